#pragma once
// Clock conversions shared by the per-stream RTP classes: wall-clock milliseconds to RTP clock ticks and to
// NTP time. Everything is computed in unsigned (wrapping) arithmetic or clamped first, because the inputs
// come from the network and from clocks we do not control, and signed overflow would be undefined.
#include <cstdint>
#include <limits>

namespace rooms::rtc {

// Seconds from the NTP epoch (1900-01-01) to the Unix epoch (1970-01-01).
inline constexpr uint64_t kNtpUnixEpochOffsetSeconds = 2208988800ULL;

// to - from, or 0 when the clock went backwards, saturated instead of overflowing.
inline int64_t elapsedMs(int64_t from, int64_t to) {
  if (to <= from) return 0;
  const uint64_t diff = static_cast<uint64_t>(to) - static_cast<uint64_t>(from);
  return diff > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
             ? std::numeric_limits<int64_t>::max()
             : static_cast<int64_t>(diff);
}

// ms * clockRate / 1000 modulo 2^32: RTP timestamps wrap, so only the low 32 bits matter, and splitting off
// whole seconds keeps the product exact without a 128-bit multiply.
inline uint32_t msToRtpTicks(int64_t ms, uint32_t clockRate) {
  int64_t seconds = ms / 1000;
  int64_t millis = ms % 1000;
  if (millis < 0) {  // floor, so that times before 0 stay on the same tick grid
    millis += 1000;
    --seconds;
  }
  return static_cast<uint32_t>(static_cast<uint64_t>(seconds) * clockRate +
                               static_cast<uint64_t>(millis) * clockRate / 1000);
}

// 64-bit NTP timestamp (32.32 fixed point seconds since 1900) of a Unix time in milliseconds.
inline uint64_t unixMsToNtp(int64_t unixMs) {
  int64_t seconds = unixMs / 1000;
  int64_t millis = unixMs % 1000;
  if (millis < 0) {  // floor, so the fraction is never negative
    millis += 1000;
    --seconds;
  }
  const uint64_t ntpSeconds = static_cast<uint64_t>(seconds) + kNtpUnixEpochOffsetSeconds;
  const uint64_t fraction = (static_cast<uint64_t>(millis) << 32) / 1000;
  return (ntpSeconds << 32) | fraction;
}

// The "NTP short format" (16.16) used by LSR/DLSR: the middle 32 bits of the 64-bit timestamp.
inline uint32_t ntpMiddle32(uint64_t ntp) {
  return static_cast<uint32_t>(ntp >> 16);
}

// A duration in 1/65536 s (DLSR units), saturated at the 32-bit field's maximum.
inline uint32_t msToNtpShort(int64_t ms) {
  if (ms <= 0) return 0;
  constexpr int64_t kMaxMs = (static_cast<int64_t>(std::numeric_limits<uint32_t>::max()) * 1000) >> 16;
  if (ms >= kMaxMs) return std::numeric_limits<uint32_t>::max();
  return static_cast<uint32_t>((ms << 16) / 1000);
}

}  // namespace rooms::rtc
