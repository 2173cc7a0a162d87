#pragma once
// The SDP a load-generator peer writes (an offer as a browser makes it, or the answer to a server's offer)
// and what it reads back from the server's description. Only what the two servers under test need:
// bundled, rtcp-mux, Opus and VP8, one host candidate.
#include <cstdint>
#include <optional>
#include <string>

#include "ClientPeer.h"

namespace rooms::loadgen {

struct OfferSpec {
  std::string iceUfrag;
  std::string icePwd;
  std::string fingerprint;  // sha-256, colon-separated upper-case hex
  std::string candidateIp;
  uint16_t candidatePort = 0;
  std::string streamId;    // msid stream id
  uint32_t audioSsrc = 0;  // 0: no sending audio section
  uint32_t videoSsrc = 0;  // 0: no sending video section
  int recvAudio = 0;       // recvonly sections after the sending ones
  int recvVideo = 0;
  int version = 1;
};

class ClientSdp {
 public:
  static constexpr int kOpusPayloadType = 111;
  static constexpr int kVp8PayloadType = 96;

  // mids are "0", "1", ... in order: sending audio, sending video, then audio and video receivers.
  static std::string offer(const OfferSpec& spec);
  // Answers a server's offer (Janus's to a subscriber): every section recvonly with the offer's Opus or VP8
  // payload type; we take the DTLS client role. nullopt with error when the offer cannot be answered.
  static std::optional<std::string> answer(const std::string& remoteOffer, const OfferSpec& spec,
                                           std::string& error);
  // ICE credentials, fingerprint, DTLS role and the first IPv4 UDP host candidate of a remote description.
  static std::optional<RemoteParams> remoteParams(const std::string& sdp, std::string& error);
};

}  // namespace rooms::loadgen
