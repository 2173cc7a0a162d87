#include "JanusTarget.h"

#include "ClientSdp.h"

#include <chrono>
#include <thread>

namespace rooms::loadgen {

using json = nlohmann::json;

JanusTarget::JanusTarget(Options options, MediaLoop& loop, std::shared_ptr<const dtls::DtlsCertificate> cert)
    : options_(std::move(options)), loop_(loop), certificate_(std::move(cert)) {
  session_ = std::make_unique<JanusSession>(options_.url);
  adminHandle_ = session_->attachVideoRoom();
}

JanusTarget::~JanusTarget() {
  if (session_) session_->destroy();
}

std::vector<std::string> JanusTarget::errors() {
  std::lock_guard lock(mutex_);
  return errors_;
}

ClientPeer* JanusTarget::addPeer(const std::string& name, OfferSpec& offer) {
  auto peer = std::make_unique<ClientPeer>(name, options_.bindIp, certificate_);
  offer.iceUfrag = peer->localUfrag();
  offer.icePwd = peer->localPwd();
  offer.fingerprint = certificate_->fingerprintSha256();
  offer.candidateIp = options_.bindIp;
  offer.candidatePort = peer->localPort();
  ClientPeer* raw = nullptr;
  loop_.call([&](MediaLoop& loop) { raw = &loop.add(std::move(peer)); });
  return raw;
}

void JanusTarget::openRoom(const RoomPlan& plan) {
  const uint64_t room = 100000 + static_cast<uint64_t>(plan.index);
  session_->request(adminHandle_, {{"request", "create"},
                                   {"room", room},
                                   {"publishers", plan.participants.size()},
                                   {"audiocodec", "opus"},
                                   {"videocodec", "vp8"},
                                   {"bitrate", 0},
                                   {"fir_freq", 0},
                                   {"notify_joining", false}});
  roomIds_.push_back(room);
  const int subscribers = static_cast<int>(plan.participants.size()) - 1;

  // Publishers first, so that each subscriber can ask for every other feed at once.
  std::vector<uint64_t> feeds;
  std::vector<ClientPeer*> publishers;
  std::vector<uint64_t> publisherHandles;
  for (const auto& p : plan.participants) {
    const std::string name = "janus-" + std::to_string(room) + "/" + p.role + "/pub";
    OfferSpec offer;
    offer.streamId = name;
    offer.audioSsrc = p.audio.ssrc;
    offer.videoSsrc = p.video.ssrc;
    ClientPeer* peer = addPeer(name, offer);
    publishers.push_back(peer);
    loop_.call([&](MediaLoop&) {
      peer->addStream(p.audio, subscribers);
      peer->addStream(p.video, subscribers);
    });
    const uint64_t handle = session_->attachVideoRoom();
    publisherHandles.push_back(handle);
    const json event = session_->requestAsync(handle,
                                              {{"request", "joinandconfigure"},
                                               {"ptype", "publisher"},
                                               {"room", room},
                                               {"display", p.role},
                                               {"audio", true},
                                               {"video", true}},
                                              json{{"type", "offer"}, {"sdp", ClientSdp::offer(offer)}});
    if (!event.contains("jsep")) throw std::runtime_error(name + ": Janus sent no answer");
    std::string error;
    const auto remote = ClientSdp::remoteParams(event["jsep"].value("sdp", ""), error);
    if (!remote) throw std::runtime_error(name + ": Janus's answer: " + error);
    feeds.push_back(event["plugindata"]["data"]["id"].get<uint64_t>());
    loop_.post([peer, remote = *remote](MediaLoop&) { peer->start(remote, steadyNowNs()); });
  }

  // Janus offers a feed to subscribers only once its publisher's PeerConnection is up on its side ("No such
  // feed" before): our DTLS side finishing first is not enough (when Janus is the DTLS client it completes
  // after our Finished reaches it), so wait for its webrtcup event too.
  waitConnected(publishers);
  session_->waitWebrtcUp(publisherHandles);

  for (size_t i = 0; i < plan.participants.size(); ++i) {
    const auto& p = plan.participants[i];
    const std::string name = "janus-" + std::to_string(room) + "/" + p.role + "/sub";
    json streams = json::array();
    for (size_t j = 0; j < feeds.size(); ++j) {
      if (j != i) streams.push_back({{"feed", feeds[j]}});
    }
    OfferSpec answerSpec;
    answerSpec.streamId = name;
    ClientPeer* peer = addPeer(name, answerSpec);
    loop_.call([&](MediaLoop&) {
      for (const auto& expected : p.receives) peer->expectStream(expected.streamId, expected.kind);
    });
    const uint64_t handle = session_->attachVideoRoom();
    const json event = session_->requestAsync(
        handle, {{"request", "join"}, {"ptype", "subscriber"}, {"room", room}, {"streams", streams}});
    if (!event.contains("jsep")) throw std::runtime_error(name + ": Janus sent no offer");
    const std::string offerSdp = event["jsep"].value("sdp", "");
    std::string error;
    const auto remote = ClientSdp::remoteParams(offerSdp, error);
    if (!remote) throw std::runtime_error(name + ": Janus's offer: " + error);
    const auto answer = ClientSdp::answer(offerSdp, answerSpec, error);
    if (!answer) throw std::runtime_error(name + ": cannot answer Janus's offer: " + error);
    session_->requestAsync(handle, {{"request", "start"}}, json{{"type", "answer"}, {"sdp", *answer}});
    loop_.post([peer, remote = *remote](MediaLoop&) { peer->start(remote, steadyNowNs()); });
  }
}

void JanusTarget::waitConnected(const std::vector<ClientPeer*>& peers) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all = true;
    std::string failure;
    loop_.call([&](MediaLoop&) {
      for (const ClientPeer* peer : peers) {
        if (peer->state() == ClientPeer::State::Failed) failure = peer->name() + ": " + peer->failure();
        if (peer->state() != ClientPeer::State::Connected) all = false;
      }
    });
    if (!failure.empty()) throw std::runtime_error(failure);
    if (all) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("Janus publishers did not connect within 20 s");
}

void JanusTarget::closeAll() {
  for (uint64_t room : roomIds_) {
    try {
      session_->request(adminHandle_, {{"request", "destroy"}, {"room", room}});
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      errors_.push_back(e.what());
    }
  }
  roomIds_.clear();
}

}  // namespace rooms::loadgen
