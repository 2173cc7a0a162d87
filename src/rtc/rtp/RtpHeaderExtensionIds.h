#pragma once
// The header extension ids negotiated in SDP (a=extmap), per transport, and readers for the values the SFU
// looks at. Ids are per-session, so the router keeps one of these per peer and never hard-codes them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rooms::rtc {

struct RtpHeaderExtensionIds {
  static constexpr std::string_view kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
  static constexpr std::string_view kAudioLevelUri = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  static constexpr std::string_view kTransportWideCcUri =
      "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  static constexpr std::string_view kAbsSendTimeUri =
      "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
  static constexpr std::string_view kRtpStreamIdUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  static constexpr std::string_view kRepairedRtpStreamIdUri =
      "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

  // 0 means "not negotiated"; RFC 8285 reserves id 0.
  uint8_t mid = 0;
  uint8_t audioLevel = 0;
  uint8_t transportWideCc = 0;
  uint8_t absSendTime = 0;
  uint8_t rtpStreamId = 0;
  uint8_t repairedRtpStreamId = 0;

  bool operator==(const RtpHeaderExtensionIds&) const = default;

  // Records the id of a known URI from an a=extmap line. False for unknown URIs and id 0 or > 255, which the
  // SDP layer then leaves out of its answer.
  bool set(std::string_view uri, unsigned id) {
    if (id == 0 || id > 255) return false;
    uint8_t* slot = slotFor(uri);
    if (slot == nullptr) return false;
    *slot = static_cast<uint8_t>(id);
    return true;
  }

 private:
  uint8_t* slotFor(std::string_view uri) {
    if (uri == kMidUri) return &mid;
    if (uri == kAudioLevelUri) return &audioLevel;
    if (uri == kTransportWideCcUri) return &transportWideCc;
    if (uri == kAbsSendTimeUri) return &absSendTime;
    if (uri == kRtpStreamIdUri) return &rtpStreamId;
    if (uri == kRepairedRtpStreamIdUri) return &repairedRtpStreamId;
    return nullptr;
  }
};

// RFC 6464: V flag (voice activity) and the level in -dBov, 0 (loudest) .. 127 (silence).
struct AudioLevel {
  bool voice = false;
  uint8_t level = 127;
};

// Browsers send one byte; RFC 6464 allows padding after it, so longer values are accepted.
inline std::optional<AudioLevel> readAudioLevel(std::span<const uint8_t> value) {
  if (value.empty()) return std::nullopt;
  return AudioLevel{(value[0] & 0x80) != 0, static_cast<uint8_t>(value[0] & 0x7F)};
}

// draft-holmer-rmcat-transport-wide-cc-extensions-01: a 16-bit transport-wide sequence number. The -02
// variant appends a 2-byte feedback request after it; the sequence number is read from either.
inline std::optional<uint16_t> readTransportWideSequenceNumber(std::span<const uint8_t> value) {
  if (value.size() != 2 && value.size() != 4) return std::nullopt;
  return static_cast<uint16_t>((value[0] << 8) | value[1]);
}

inline void writeTransportWideSequenceNumber(std::span<uint8_t, 2> value, uint16_t sequenceNumber) {
  value[0] = static_cast<uint8_t>(sequenceNumber >> 8);
  value[1] = static_cast<uint8_t>(sequenceNumber);
}

// abs-send-time: 6.18 fixed-point seconds, 24 bits.
inline std::optional<uint32_t> readAbsSendTime(std::span<const uint8_t> value) {
  if (value.size() != 3) return std::nullopt;
  return (static_cast<uint32_t>(value[0]) << 16) | (static_cast<uint32_t>(value[1]) << 8) | value[2];
}

}  // namespace rooms::rtc
