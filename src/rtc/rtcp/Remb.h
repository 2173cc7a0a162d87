#pragma once
// PSFB application feedback carrying REMB (draft-alvestrand-rmcat-remb-03): the receiver's estimate of the
// total bitrate it can take, as an 18-bit mantissa and 6-bit exponent, for the SSRCs listed. Used with
// abs-send-time when transport-wide-cc is not negotiated.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class Remb {
 public:
  static constexpr size_t kMinSize = kRtcpFeedbackHeaderSize + 8;
  static constexpr uint32_t kMaxMantissa = 0x3FFFF;

  // nullopt for other application feedback (no "REMB" identifier) or an SSRC list past the end.
  static std::optional<Remb> parse(const RtcpPacketView& packet);

  uint32_t senderSsrc() const { return read32(body_.data()); }
  // mantissa << exponent, saturated: the field can express more than 64 bits.
  uint64_t bitrate() const;
  size_t ssrcCount() const { return body_[12]; }
  uint32_t ssrc(size_t index) const {
    return index < ssrcCount() ? read32(body_.data() + 16 + 4 * index) : 0;
  }

  // Returns bytes written, or 0 if it does not fit or lists more than 255 SSRCs. The bitrate is rounded
  // down to what the mantissa can carry.
  static size_t write(std::span<uint8_t> out, uint32_t senderSsrc, uint64_t bitrate,
                      std::span<const uint32_t> ssrcs);

 private:
  explicit Remb(std::span<const uint8_t> body) : body_(body) {}

  std::span<const uint8_t> body_;
};

}  // namespace rooms::rtc
