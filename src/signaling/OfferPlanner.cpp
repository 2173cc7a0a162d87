#include "signaling/OfferPlanner.h"

#include "core/Ids.h"

namespace rooms::signaling {

OfferPlanner::OfferPlanner(rtc::MediaWorkerPool& media, const std::string& announcedIp, bool iceUdp,
                           int64_t consentTimeoutMs)
    : media_(media), consentTimeoutMs_(consentTimeoutMs) {
  sdp::Candidate udp;
  udp.foundation = "udpcandidate";
  udp.component = 1;
  udp.transport = "udp";
  udp.priority = 2130706431;
  udp.address = announcedIp;
  udp.port = 0;  // the room's worker's, filled in per answer
  udp.type = "host";
  if (iceUdp) {
    candidates_.push_back(udp);
  }
  // ICE-TCP passive on the same port number (RFC 6544), below UDP in priority: used only when UDP fails.
  sdp::Candidate tcp = udp;
  tcp.foundation = "tcpcandidate";
  tcp.transport = "tcp";
  tcp.priority = 1518280447;
  tcp.tcpType = "passive";
  candidates_.push_back(tcp);
}

OfferPlanner::Outcome OfferPlanner::plan(const SignalingRoom& room, const Seat& seat, SignalingPeer& peer,
                                         const nlohmann::json& data) {
  Outcome out;
  if (!data.contains("sdp") || !data["sdp"].is_string()) {
    out.error = "offer needs data.sdp (string)";
    return out;
  }
  NegotiationInput in;
  in.offerSdp = data["sdp"].get<std::string>();
  if (data.contains("sources") && data["sources"].is_object()) {
    for (const auto& [mid, source] : data["sources"].items()) {
      if (source.is_string()) {
        in.sources[mid] = source.get<std::string>();
      }
    }
  }
  in.permissions = peer.identity.permissions;
  in.trackIdPrefix = peer.connectionId;
  in.localUfrag = peer.localUfrag;
  in.localPwd = peer.localPwd;
  in.fingerprint = media_.certificate()->fingerprintSha256();
  in.candidates = candidates_;
  // The room's worker's port: known only once its socket is bound (ROOMS_MEDIA_PORT=0), and one of several.
  for (auto& c : in.candidates) {
    c.port = media_.portOf(room.roomId);
  }
  in.cname = "rooms-" + room.roomId.substr(0, 8);
  in.sessionId = peer.sessionId;
  in.sessionVersion = peer.sessionVersion + 1;
  in.previousSlots = peer.slots;
  in.remoteTracks = room.tracksFor(seat.role);
  in.newSsrc = randomSsrc;
  out.remoteTracks = in.remoteTracks.size();

  auto result = Negotiator::negotiate(in);
  if (result.error.empty() && !peer.remoteUfrag.empty() && result.remoteUfrag != peer.remoteUfrag) {
    // ICE restart (JSEP 5.3.1): the answer must carry fresh credentials of ours too.
    peer.localUfrag = randomHex(8);
    peer.localPwd = randomHex(16);
    in.localUfrag = peer.localUfrag;
    in.localPwd = peer.localPwd;
    result = Negotiator::negotiate(in);
  }
  if (!result.error.empty()) {
    out.error = result.error;
    return out;
  }
  peer.sessionVersion = in.sessionVersion;
  peer.remoteUfrag = result.remoteUfrag;
  out.previousPublications = std::move(peer.publications);
  peer.publications = result.publications;
  peer.slots = result.slots;

  rtc::TransportPlan plan;
  plan.roomId = room.roomId;
  plan.params.id = peer.connectionId;
  plan.params.localUfrag = peer.localUfrag;
  plan.params.localPwd = peer.localPwd;
  plan.params.remoteUfrag = result.remoteUfrag;
  plan.params.remoteFingerprintAlgorithm = result.remoteFingerprintAlgorithm;
  plan.params.remoteFingerprint = result.remoteFingerprint;
  plan.params.consentTimeoutMs = consentTimeoutMs_;
  plan.rtcpSsrc = peer.rtcpSsrc;
  plan.cname = peer.cname;
  for (const auto& p : peer.publications) {
    plan.producers.push_back(p.producer);
  }
  plan.consumers = std::move(result.consumers);
  media_.applyPlan(std::move(plan));
  out.result = std::move(result);
  return out;
}

}  // namespace rooms::signaling
