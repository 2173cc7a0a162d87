#pragma once
// One reception report block (RFC 3550 section 6.4.1), shared by SR and RR.
#include <cstddef>
#include <cstdint>

namespace rooms::rtc {

struct ReportBlock {
  static constexpr size_t kSize = 24;
  // The cumulative lost field is 24-bit signed: duplicates can make it negative.
  static constexpr int32_t kMaxCumulativeLost = 0x7FFFFF;
  static constexpr int32_t kMinCumulativeLost = -0x800000;

  uint32_t ssrc = 0;
  uint8_t fractionLost = 0;  // fixed point, lost / expected * 256
  int32_t cumulativeLost = 0;
  uint32_t extendedHighestSequence = 0;     // cycles << 16 | highest sequence number
  uint32_t jitter = 0;                      // RTP timestamp units
  uint32_t lastSenderReport = 0;            // middle 32 bits of the last SR's NTP time
  uint32_t delaySinceLastSenderReport = 0;  // 1/65536 s

  // `in` and `out` must hold kSize bytes. Cumulative lost is clamped to the field's range when written.
  static ReportBlock read(const uint8_t* in);
  void write(uint8_t* out) const;
};

}  // namespace rooms::rtc
