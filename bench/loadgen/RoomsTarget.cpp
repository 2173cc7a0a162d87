#include "RoomsTarget.h"

#include <regex>

#include <boost/asio/post.hpp>
#include <chrono>
#include <ctime>
#include <random>
#include <stdexcept>

#include "api/ParticipantToken.h"

namespace rooms::loadgen {

using json = nlohmann::json;

namespace {

// Bounded retry of API calls refused for rate (429) or while the server is busy (503): the ramp creates
// rooms in bursts.
HttpResult postWithRetry(HttpJson& http, const std::string& url, const json& body) {
  HttpResult result;
  for (int attempt = 0; attempt < 8; ++attempt) {
    result = http.post(url, body);
    if (result.status != 429 && result.status != 503) return result;
    int waitMs = 250 << std::min(attempt, 4);
    if (!result.retryAfter.empty()) waitMs = std::max(waitMs, std::atoi(result.retryAfter.c_str()) * 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(waitMs, 5000)));
  }
  return result;
}

std::string isoNow() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

std::string RoomsTarget::uuid() {
  // Version 4 (random), as the main app makes room and session ids.
  std::uniform_int_distribution<int> hex(0, 15);
  std::string out = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : out) {
    if (c == 'x') c = "0123456789abcdef"[hex(random_)];
    if (c == 'y') c = "89ab"[hex(random_) & 3];
  }
  return out;
}

RoomsTarget::RoomsTarget(Options options, MediaLoop& loop, std::shared_ptr<const dtls::DtlsCertificate> cert)
    : options_(std::move(options)),
      loop_(loop),
      certificate_(std::move(cert)),
      api_(options_.apiKey),
      work_(io_.get_executor()) {
  thread_ = std::thread([this] { io_.run(); });
}

RoomsTarget::~RoomsTarget() {
  work_.reset();
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

void RoomsTarget::addError(std::string error) {
  std::lock_guard lock(mutex_);
  if (errors_.size() < 1000) errors_.push_back(std::move(error));
}

std::vector<std::string> RoomsTarget::errors() {
  std::lock_guard lock(mutex_);
  return errors_;
}

void RoomsTarget::openRoom(const RoomPlan& plan) {
  if (plan.participants.size() > 2)
    throw std::runtime_error("a roomsd room has two participant seats (coach, client)");
  const std::string roomId = uuid();
  const std::string sessionId = uuid();
  const int64_t exp =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count() +
      int64_t{48} * 3600;
  json participants = json::object();
  std::vector<std::string> tokens;
  for (const auto& p : plan.participants) {
    ParticipantClaims claims;
    claims.userId = "loadgen-" + std::to_string(plan.index) + "-" + p.role;
    claims.roomId = roomId;
    claims.sessionId = sessionId;
    claims.role = p.role;
    claims.name = "loadgen " + p.role;
    claims.permissions = {"audio", "video"};
    claims.exp = exp;
    tokens.push_back(mintParticipantToken(options_.jwtSecret, claims));
    participants[p.role] = {{"id", claims.userId}, {"token", tokens.back()}};
  }
  participants["aiOrb"] =
      options_.orb ? json{{"enabled", true}, {"personality", "supportive"}, {"voiceModel", "default"}}
                   : json{{"enabled", false}};
  const json body = {{"roomId", roomId},
                     {"sessionId", sessionId},
                     {"participants", participants},
                     {"config",
                      {{"scheduledStartTime", isoNow()},
                       {"maxDuration", 86400},
                       {"features",
                        {{"recording", options_.recording},
                         {"transcription", false},
                         {"aiAssistance", false},
                         {"generateSummary", false}}}}}};
  const std::string base = "http://" + options_.host + ":" + std::to_string(options_.port);
  const HttpResult created = postWithRetry(api_, base + "/api/rooms/create", body);
  if (!created.ok()) {
    throw std::runtime_error("create room " + roomId + ": HTTP " + std::to_string(created.status) + " " +
                             (created.error.empty() ? created.body.dump() : created.error));
  }
  roomIds_.push_back(roomId);

  for (size_t i = 0; i < plan.participants.size(); ++i) {
    const auto& p = plan.participants[i];
    auto peer = std::make_unique<ClientPeer>(roomId + "/" + p.role, options_.bindIp, certificate_);
    const int subscribers = static_cast<int>(plan.participants.size()) - 1;
    peer->addStream(p.audio, subscribers);
    peer->addStream(p.video, subscribers);
    for (const auto& expected : p.receives) peer->expectStream(expected.streamId, expected.kind);
    OfferSpec offer;
    offer.iceUfrag = peer->localUfrag();
    offer.icePwd = peer->localPwd();
    offer.fingerprint = certificate_->fingerprintSha256();
    offer.candidateIp = options_.bindIp;
    offer.candidatePort = peer->localPort();
    offer.streamId = roomId + "-" + p.role;
    offer.audioSsrc = p.audio.ssrc;
    offer.videoSsrc = p.video.ssrc;
    ClientPeer* raw = nullptr;
    loop_.call([&](MediaLoop& loop) { raw = &loop.add(std::move(peer)); });
    RoomsSignalingSession::Callbacks callbacks;
    callbacks.onFirstAnswer = [this, raw](const RemoteParams& remote) {
      loop_.post([raw, remote](MediaLoop&) { raw->start(remote, steadyNowNs()); });
    };
    const std::string who = roomId + "/" + p.role;
    callbacks.onError = [this, who](const std::string& error) { addError(who + ": " + error); };
    auto session = std::make_shared<RoomsSignalingSession>(io_, options_.host, options_.port,
                                                           "/signal/" + roomId + "?token=" + tokens[i],
                                                           std::move(offer), std::move(callbacks));
    sessions_.push_back(session);
    boost::asio::post(io_, [session] { session->start(); });
  }
}

void RoomsTarget::closeAll() {
  const std::string base = "http://" + options_.host + ":" + std::to_string(options_.port);
  for (const auto& roomId : roomIds_) {
    const HttpResult ended = postWithRetry(api_, base + "/api/rooms/" + roomId + "/end",
                                           json{{"reason", "session_completed"}, {"requestedBy", "system"}});
    if (!ended.ok() && ended.status != 409 && ended.status != 410)
      addError("end " + roomId + ": HTTP " + std::to_string(ended.status) + " " + ended.error);
  }
  roomIds_.clear();
}

std::vector<WorkerSample> RoomsTarget::workers() {
  const std::string base = "http://" + options_.host + ":" + std::to_string(options_.port);
  const HttpResult res = api_.get(base + "/metrics");
  std::vector<WorkerSample> out;
  if (!res.ok()) return out;
  // rooms_media_worker_rooms{worker="1"} 10
  static const std::regex line(
      R"re(^rooms_media_worker_(rooms|datagrams_sent)\{worker="(\d+)"\} ([0-9.e+]+)$)re",
      std::regex::multiline);
  for (std::sregex_iterator it(res.text.begin(), res.text.end(), line), end; it != end; ++it) {
    const size_t index = std::stoul((*it)[2]);
    if (index >= 256) continue;
    if (out.size() <= index) out.resize(index + 1);
    const auto value = static_cast<uint64_t>(std::stod((*it)[3]));
    if ((*it)[1] == "rooms") {
      out[index].rooms = value;
    } else {
      out[index].datagramsSent = value;
    }
  }
  return out;
}

}  // namespace rooms::loadgen
