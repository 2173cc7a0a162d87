#include "JanusSession.h"

#include <chrono>
#include <stdexcept>

namespace rooms::loadgen {

using json = nlohmann::json;

JanusSession::JanusSession(std::string baseUrl) : baseUrl_(std::move(baseUrl)) {
  const json created = post("", {{"janus", "create"}});
  sessionId_ = created["data"]["id"].get<uint64_t>();
  poller_ = std::thread([this] { poll(); });
}

JanusSession::~JanusSession() {
  running_ = false;
  if (poller_.joinable()) poller_.join();
}

std::string JanusSession::nextTransaction() {
  return "lg" + std::to_string(++transactions_);
}

json JanusSession::post(const std::string& path, json message) {
  if (!message.contains("transaction")) message["transaction"] = nextTransaction();
  const HttpResult r = http_.post(baseUrl_ + path, message);
  if (!r.ok() || !r.body.is_object()) {
    throw std::runtime_error("janus " + message.value("janus", "") + ": HTTP " + std::to_string(r.status) +
                             " " + r.error);
  }
  if (r.body.value("janus", "") == "error") {
    throw std::runtime_error("janus " + message.value("janus", "") + ": " + r.body["error"].dump());
  }
  return r.body;
}

uint64_t JanusSession::attachVideoRoom() {
  const json r =
      post("/" + std::to_string(sessionId_), {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}});
  return r["data"]["id"].get<uint64_t>();
}

json JanusSession::request(uint64_t handle, const json& body) {
  const json r = post("/" + std::to_string(sessionId_) + "/" + std::to_string(handle),
                      {{"janus", "message"}, {"body", body}});
  json data = r.contains("plugindata") ? r["plugindata"]["data"] : json::object();
  if (data.contains("error"))
    throw std::runtime_error("videoroom " + body.value("request", "") + ": " + data.dump());
  return data;
}

json JanusSession::requestAsync(uint64_t handle, const json& body, const std::optional<json>& jsep,
                                int timeoutMs) {
  const std::string transaction = nextTransaction();
  json message = {{"janus", "message"}, {"body", body}, {"transaction", transaction}};
  if (jsep) message["jsep"] = *jsep;
  post("/" + std::to_string(sessionId_) + "/" + std::to_string(handle), message);
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                         [&] { return events_.count(transaction) > 0; })) {
    throw std::runtime_error("videoroom " + body.value("request", "") + ": no event within " +
                             std::to_string(timeoutMs) + " ms");
  }
  json event = std::move(events_[transaction]);
  events_.erase(transaction);
  const json& data = event["plugindata"]["data"];
  if (data.contains("error"))
    throw std::runtime_error("videoroom " + body.value("request", "") + ": " + data.dump());
  return event;
}

void JanusSession::poll() {
  HttpJson http({}, 40000);
  const std::string url = baseUrl_ + "/" + std::to_string(sessionId_) + "?maxev=20";
  while (running_) {
    const HttpResult r = http.get(url);
    if (!r.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      continue;
    }
    const json events = r.body.is_array() ? r.body : json::array({r.body});
    std::lock_guard lock(mutex_);
    for (const auto& e : events) {
      if (e.value("janus", "") == "webrtcup" && e.contains("sender")) {
        webrtcUp_.insert(e["sender"].get<uint64_t>());
        continue;
      }
      if (e.value("janus", "") != "event" || !e.contains("transaction") || !e.contains("plugindata"))
        continue;
      events_[e["transaction"].get<std::string>()] = e;
    }
    arrived_.notify_all();
  }
}

void JanusSession::waitWebrtcUp(const std::vector<uint64_t>& handles, int timeoutMs) {
  std::unique_lock lock(mutex_);
  const bool up = arrived_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
    for (uint64_t h : handles) {
      if (webrtcUp_.count(h) == 0) return false;
    }
    return true;
  });
  if (!up)
    throw std::runtime_error("Janus did not report webrtcup within " + std::to_string(timeoutMs) + " ms");
}

void JanusSession::destroy() {
  running_ = false;
  try {
    post("/" + std::to_string(sessionId_), {{"janus", "destroy"}});
  } catch (const std::exception&) {
    // Janus drops sessions on its own once they stop polling; nothing is lost.
  }
}

}  // namespace rooms::loadgen
