#pragma once
// A page's offer to our answer and the media plan for the room's worker. The Negotiator decides the SDP;
// this gives it the room's worker's candidates and the tracks the seat may receive, applies the ICE restart
// rule (JSEP 5.3.1: a new remote ufrag gets fresh credentials of ours too) and hands the transport's
// parameters, producers and consumers to the worker. Control-plane thread only.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rtc/MediaWorkerPool.h"
#include "rtc/sdp/MediaSection.h"
#include "signaling/Negotiator.h"
#include "signaling/SignalingPeer.h"
#include "signaling/SignalingRoom.h"

namespace rooms::signaling {

class OfferPlanner {
 public:
  // ICE-lite host candidates on announcedIp: UDP (unless iceUdp is off) and passive TCP on the same port.
  OfferPlanner(rtc::MediaWorkerPool& media, const std::string& announcedIp, bool iceUdp,
               int64_t consentTimeoutMs);

  struct Outcome {
    std::string error;  // why the offer was refused (invalid_offer); empty when it was answered
    NegotiationResult result;
    std::vector<Publication> previousPublications;  // the peer's before this offer
    size_t remoteTracks = 0;                        // tracks the seat could receive
  };
  // Negotiates data.sdp for peer; on success updates the peer (ICE credentials, session version,
  // publications, slots) and gives the room's worker the new plan.
  Outcome plan(const SignalingRoom& room, const Seat& seat, SignalingPeer& peer, const nlohmann::json& data);

 private:
  rtc::MediaWorkerPool& media_;
  std::vector<sdp::Candidate> candidates_;
  int64_t consentTimeoutMs_;
};

}  // namespace rooms::signaling
