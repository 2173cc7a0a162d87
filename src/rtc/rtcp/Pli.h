#pragma once
// PSFB picture loss indication (RFC 4585 section 6.3.1): no FCI, just "send a key frame for media SSRC".
// The SFU relays these to the publisher when a subscriber joins or its decoder loses sync.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class Pli {
 public:
  static constexpr size_t kSize = kRtcpFeedbackHeaderSize;

  static std::optional<Pli> parse(const RtcpPacketView& packet);

  uint32_t senderSsrc() const { return senderSsrc_; }
  uint32_t mediaSsrc() const { return mediaSsrc_; }

  // Returns bytes written (12), or 0 if `out` is too small.
  static size_t write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc);

 private:
  Pli(uint32_t senderSsrc, uint32_t mediaSsrc) : senderSsrc_(senderSsrc), mediaSsrc_(mediaSsrc) {}

  uint32_t senderSsrc_ = 0;
  uint32_t mediaSsrc_ = 0;
};

}  // namespace rooms::rtc
