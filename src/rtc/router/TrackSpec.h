#pragma once
// What signaling decided about one transport's tracks, handed to the media thread as plain values: the
// control plane negotiates, the media plane forwards, and nothing but these structs crosses between them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rtc/WebRtcTransport.h"
#include "rtc/rtp/RtpHeaderExtensionIds.h"

namespace rooms::rtc {

enum class MediaKind : uint8_t { Audio, Video };

// A track a participant publishes (a sending m= section of its offer).
struct ProducerSpec {
  std::string trackId;  // unique in the room and stable across renegotiations
  MediaKind kind = MediaKind::Audio;
  std::string mid;
  uint32_t ssrc = 0;
  std::optional<uint32_t> rtxSsrc;
  uint8_t payloadType = 0;
  std::optional<uint8_t> rtxPayloadType;
  // Audio with RFC 2198 redundancy (audio/red whose blocks are payloadType): the router unwraps it for
  // subscribers without RED and fills single losses from the redundant copies.
  std::optional<uint8_t> redPayloadType;
  uint32_t clockRate = 48000;
  RtpHeaderExtensionIds extensions;  // the publisher's ids
  bool operator==(const ProducerSpec&) const = default;
};

// A track the router sends to a subscriber (a receiving m= section of the subscriber's offer).
struct ConsumerSpec {
  std::string trackId;  // the producer it forwards
  MediaKind kind = MediaKind::Audio;
  std::string mid;          // the subscriber's mid, written into the mid header extension
  uint32_t ssrc = 0;        // ours, announced in the answer
  uint8_t payloadType = 0;  // the subscriber's payload type for the producer's codec
  // Our RTX stream (RFC 4588) when the subscriber offered RTX for that codec; else resends use ssrc.
  std::optional<uint32_t> rtxSsrc;
  std::optional<uint8_t> rtxPayloadType;
  // The subscriber's audio/red payload type when it takes RED: RED from the publisher goes to it as is.
  std::optional<uint8_t> redPayloadType;
  uint32_t clockRate = 48000;
  RtpHeaderExtensionIds extensions;  // the subscriber's ids
  bool operator==(const ConsumerSpec&) const = default;
};

// The whole desired state of one transport after a negotiation; the media thread diffs it against what it
// has, so a renegotiation that changes nothing disturbs nothing.
struct TransportPlan {
  std::string roomId;
  WebRtcTransport::Params params;
  uint32_t rtcpSsrc = 0;  // sender SSRC of our RTCP feedback on this transport
  std::string cname;
  std::vector<ProducerSpec> producers;
  std::vector<ConsumerSpec> consumers;
};

}  // namespace rooms::rtc
