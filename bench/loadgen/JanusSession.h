#pragma once
// A Janus session over its HTTP transport (janus.plugin.videoroom is all the load generator attaches): the
// plain request/response calls, and a long-poll thread that collects the plugin's asynchronous events and
// hands each to the request waiting for its transaction. Long-polling also keeps the session alive.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "HttpJson.h"

namespace rooms::loadgen {

class JanusSession {
 public:
  // Creates the session; throws std::runtime_error if Janus does not answer.
  explicit JanusSession(std::string baseUrl);
  ~JanusSession();
  JanusSession(const JanusSession&) = delete;
  JanusSession& operator=(const JanusSession&) = delete;

  // A handle on the VideoRoom plugin.
  uint64_t attachVideoRoom();
  // A synchronous plugin request (create, destroy, ...): the plugin's data.
  nlohmann::json request(uint64_t handle, const nlohmann::json& body);
  // An asynchronous one (join, publish, start): waits for its event; returns the whole event (plugindata,
  // and jsep when there is one). Throws on a timeout or an error event.
  nlohmann::json requestAsync(uint64_t handle, const nlohmann::json& body,
                              const std::optional<nlohmann::json>& jsep = std::nullopt,
                              int timeoutMs = 15000);
  // Waits until Janus has announced "webrtcup" on every handle (its side of the PeerConnection is up; only
  // then does the VideoRoom offer a publisher's feed to subscribers). Throws after timeoutMs.
  void waitWebrtcUp(const std::vector<uint64_t>& handles, int timeoutMs = 20000);
  void destroy();

 private:
  nlohmann::json post(const std::string& path, nlohmann::json message);
  std::string nextTransaction();
  void poll();

  std::string baseUrl_;
  HttpJson http_;
  uint64_t sessionId_ = 0;
  std::atomic<uint64_t> transactions_{0};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::map<std::string, nlohmann::json> events_;  // by transaction
  std::set<uint64_t> webrtcUp_;                   // handles
  std::atomic<bool> running_{true};
  std::thread poller_;
};

}  // namespace rooms::loadgen
