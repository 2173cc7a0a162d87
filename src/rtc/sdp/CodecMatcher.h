#pragma once
// What an SFU answerer picks from a browser's offer: the payload types of the codecs we forward (Opus, VP8,
// H264 packetization-mode 1, VP9) with their RTX companions, the ids of the header extensions the router
// reads or rewrites, and an answer m= section built from those choices.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtc/sdp/MediaSection.h"

namespace rooms::sdp {

struct CodecChoice {
  int pt = 0;
  std::optional<int> rtxPt;  // the offered "rtx" payload type whose fmtp apt names pt
  std::optional<int> redPt;  // audio: the offered "red" (RFC 2198) payload type whose blocks are all pt
  std::string name;          // as offered, e.g. "VP8" or "opus"
  uint32_t clockRate = 0;
  int channels = 0;
};

struct ExtensionIds {
  std::optional<int> mid;
  std::optional<int> audioLevel;
  std::optional<int> transportWideCc;
  std::optional<int> absSendTime;
};

// Our side of an answer m= section.
struct AnswerParams {
  std::string iceUfrag;
  std::string icePwd;
  Fingerprint fingerprint;
  std::vector<Candidate> candidates;
  uint64_t maxMessageSize = 262144;
};

class CodecMatcher {
 public:
  static constexpr const char* kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
  static constexpr const char* kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  static constexpr const char* kTransportWideCcUri =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  static constexpr const char* kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";

  // Opus at 48000 Hz with 2 channels, the only form WebRTC uses (RFC 7587), with its RED companion when
  // offered (red/48000/2 with fmtp "pt/pt"...).
  static std::optional<CodecChoice> findOpus(const MediaSection& offer);
  static std::optional<CodecChoice> findVp8(const MediaSection& offer);
  // packetization-mode=1 only (mode 0 cannot carry frames larger than one packet); among those,
  // profile-level-id 42e01f first, then other constrained baseline, then baseline, then anything else.
  static std::optional<CodecChoice> findH264(const MediaSection& offer);
  // Profile 0 first: every browser that decodes VP9 decodes profile 0, not all decode profile 2.
  static std::optional<CodecChoice> findVp9(const MediaSection& offer);
  // The codecs an answer to this section accepts, in our order of preference: Opus for audio; VP8, H264,
  // VP9 for video (VP8 first because every browser encodes and decodes it, so forwarding needs no
  // transcoding whoever joins). Empty for non-RTP sections or when nothing usable is offered.
  static std::vector<CodecChoice> selectCodecs(const MediaSection& offer);
  static ExtensionIds findExtensions(const MediaSection& offer);

  // The answer to one offered m= section (JSEP section 5.3.1): same mid and kind, the selected codecs with
  // their rtcp-fb and fmtp lines, the extensions the router handles, our ICE credentials, fingerprint and
  // candidates, setup passive (we are ICE-lite and DTLS server), the direction mirrored. A section with
  // nothing usable is rejected with port 0, as JSEP prescribes.
  static MediaSection buildAnswer(const MediaSection& offer, const AnswerParams& params);
};

}  // namespace rooms::sdp
