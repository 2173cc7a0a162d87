#pragma once
// The RTCP common header (RFC 3550 section 6.4) shared by every packet type, and the view that
// RtcpCompoundPacket yields for each sub-packet before it is interpreted as a typed packet.
#include <cstddef>
#include <cstdint>
#include <span>

#include "rtc/rtp/ByteIo.h"

namespace rooms::rtc {

enum class RtcpType : uint8_t {
  kSenderReport = 200,
  kReceiverReport = 201,
  kSdes = 202,
  kBye = 203,
  kApp = 204,
  kRtpFeedback = 205,      // RFC 4585 transport layer feedback
  kPayloadFeedback = 206,  // RFC 4585 payload-specific feedback
  kExtendedReport = 207,
};

// Feedback message types (the header's count field) for RTPFB and PSFB.
inline constexpr uint8_t kFmtGenericNack = 1;
inline constexpr uint8_t kFmtTransportFeedback = 15;
inline constexpr uint8_t kFmtPli = 1;
inline constexpr uint8_t kFmtFir = 4;
inline constexpr uint8_t kFmtAfb = 15;  // application layer feedback, used by REMB

inline constexpr size_t kRtcpHeaderSize = 4;
// RFC 4585 feedback: common header + packet sender SSRC + media source SSRC.
inline constexpr size_t kRtcpFeedbackHeaderSize = 12;

struct RtcpPacketView {
  const uint8_t* data = nullptr;
  size_t size = 0;         // whole sub-packet: header, body and padding
  size_t paddingSize = 0;  // trailing padding octets, counted in size
  uint8_t count = 0;       // RC / SC / FMT, depending on the type
  uint8_t type = 0;

  RtcpType rtcpType() const { return static_cast<RtcpType>(type); }
  // Everything after the 4-byte common header except the padding.
  std::span<const uint8_t> body() const {
    return {data + kRtcpHeaderSize, size - kRtcpHeaderSize - paddingSize};
  }
};

// Writes a common header for a packet of `size` bytes (a multiple of 4, at least 4). Writers call it last,
// when the size is known.
inline void writeRtcpHeader(uint8_t* out, uint8_t count, RtcpType type, size_t size) {
  out[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));
  out[1] = static_cast<uint8_t>(type);
  write16(out + 2, static_cast<uint16_t>(size / 4 - 1));
}

}  // namespace rooms::rtc
