#pragma once
// Turns one browser offer into our answer and the media plan behind it (docs/signaling.md "Negotiation").
// Pure: no sockets, no clock, no randomness but the SSRC source it is given, so every rule here is unit
// tested with real browser offers. Sending sections become published tracks (if the token allows that kind
// of media); receiving sections are slots the room fills with other participants' tracks.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rtc/router/TrackSpec.h"
#include "rtc/sdp/CodecMatcher.h"
#include "rtc/sdp/SessionDescription.h"

namespace rooms::signaling {

enum class TrackSource { Microphone, Camera, Screen };
const char* toString(TrackSource source);
std::optional<TrackSource> parseTrackSource(std::string_view text);

// A track some other participant publishes, as a subscriber's slot may carry it.
struct RemoteTrack {
  std::string trackId;
  rtc::MediaKind kind = rtc::MediaKind::Audio;
  TrackSource source = TrackSource::Microphone;
  std::string codec;  // "opus", "VP8", ...
  uint32_t clockRate = 48000;
  std::string participantId;
  std::string role;
  std::string name;
};

// One receiving section of the subscriber's offer and what it carries.
struct Slot {
  std::string mid;
  rtc::MediaKind kind = rtc::MediaKind::Audio;
  std::string trackId;  // empty: inactive
  uint32_t ssrc = 0;
  uint32_t rtxSsrc = 0;  // video: our RTX stream for resends, used when the subscriber offered RTX
};

// One sending section of the publisher's offer.
struct Publication {
  std::string mid;
  TrackSource source = TrackSource::Microphone;
  rtc::ProducerSpec producer;
  std::string codec;
};

struct Permissions {
  bool audio = false;
  bool video = false;
  bool screen = false;
};

struct NegotiationInput {
  std::string offerSdp;
  std::map<std::string, std::string> sources;  // mid -> "microphone" | "camera" | "screen"
  Permissions permissions;
  std::string trackIdPrefix;  // makes published track ids unique in the room
  // Our side.
  std::string localUfrag;
  std::string localPwd;
  std::string fingerprint;  // sha-256, "AB:CD:..."
  std::vector<sdp::Candidate> candidates;
  std::string cname;
  uint64_t sessionId = 1;
  uint64_t sessionVersion = 1;
  // What the previous negotiation decided, kept where still valid.
  std::vector<Slot> previousSlots;
  // Tracks the room could send this participant.
  std::vector<RemoteTrack> remoteTracks;
  std::function<uint32_t()> newSsrc;
};

struct NegotiationResult {
  std::string error;  // non-empty: the offer was refused and nothing else is set
  std::string answerSdp;
  std::string remoteUfrag;
  std::string remotePwd;
  std::string remoteFingerprintAlgorithm;
  std::string remoteFingerprint;
  std::vector<Publication> publications;
  std::vector<Slot> slots;
  std::vector<rtc::ConsumerSpec> consumers;
  // mid -> the remote track it carries (for the answer frame's "tracks").
  std::map<std::string, RemoteTrack> assigned;
  // Sending sections refused for lack of permission (for the error frame).
  std::vector<std::string> refusedMids;
};

class Negotiator {
 public:
  static NegotiationResult negotiate(const NegotiationInput& input);
};

}  // namespace rooms::signaling
