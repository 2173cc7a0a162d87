#pragma once
// Sends a request this node cannot answer to the node that can (the room's owner, or the node a new room
// is placed on) and hands back its answer: the internal channel of docs/cluster.md. Runs on its own threads
// (libcurl, blocking), so a slow peer never stalls the control plane; the caller posts the answer back to
// its connection. The forwarded request carries the client's own credentials (the owner authenticates it
// as any request) and X-Rooms-Forwarded-By, an HMAC of the cluster's shared ROOM_JWT_SECRET that lets the
// owner trust the client address it names and answer instead of forwarding again.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/ApiRequest.h"
#include "core/Curl.h"
#include "core/WorkerThread.h"

namespace rooms {

class OwnerForwarder {
 public:
  OwnerForwarder(std::string nodeId, std::string secret, long timeoutMs, size_t threads = 4);

  struct Outgoing {
    std::string method;
    std::string url;  // the peer's internal URL + the original target
    std::vector<std::string> headers;
    std::string body;
  };
  // Builds the forwarded request from the one received. The signature binds the node and the request id.
  Outgoing prepare(const std::string& peerUrl, const ApiRequest& req, const std::string& target) const;
  // done runs on a forwarder thread with the peer's answer, or a 502 naming what failed.
  void send(Outgoing out, std::function<void(ApiResponse)> done);

  // The value of X-Rooms-Forwarded-By for a request id; verify() checks one received.
  static std::string sign(const std::string& secret, const std::string& nodeId, const std::string& requestId);
  static bool verify(const std::string& secret, std::string_view header, const std::string& requestId);

 private:
  std::string nodeId_;
  std::string secret_;
  long timeoutMs_;
  // One handle per thread, used only there and kept across requests: its connection cache keeps the
  // connections to the peers open (a new TCP connection per forwarded request doubled /status's latency).
  // Declared before the threads, so the threads stop before the handles go.
  std::vector<curl::Easy> handles_;
  std::vector<std::unique_ptr<WorkerThread>> threads_;
  size_t next_ = 0;
};

}  // namespace rooms
