#pragma once
// The sender side of RFC 3550 round-trip time: we remember when we sent each of our last SRs, and a report
// block that echoes one of them (LSR) together with how long the receiver held it (DLSR) gives
// RTT = now - LSR - DLSR. "now" is taken from our own monotonic clock at the SR's send time plus the time
// elapsed since, rather than from the wall clock, so that a wall-clock step between SR and RR cannot
// produce a bogus sample. The SFU keeps one per outgoing stream, so the history is a fixed array.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

class RttEstimator {
 public:
  // Enough for several seconds of SRs even at high report rates; an RR older than that is useless anyway.
  static constexpr size_t kHistorySize = 8;
  // Weight of a new sample in the smoothed average (as TCP's SRTT, RFC 6298).
  static constexpr double kSmoothing = 1.0 / 8.0;
  // The receiver's DLSR and our clock are both rounded, so on a LAN the result can come out slightly
  // negative; that is read as 0 ms. Anything more negative means a wrong DLSR and is rejected.
  static constexpr double kNegativeToleranceMs = 5.0;

  // `ntp` is the 64-bit NTP time written into the SR; `nowMs` our monotonic clock when it was sent.
  void onSenderReportSent(uint64_t ntp, int64_t nowMs);
  // The RTT in ms when `lsr` is one of ours (RFC 3550 6.4.1), nullopt otherwise (LSR 0 means the receiver
  // has not had an SR from us yet).
  std::optional<double> onReportBlock(uint32_t lsr, uint32_t dlsr, int64_t nowMs);

  bool hasRtt() const { return samples_ > 0; }
  double lastRttMs() const { return lastRttMs_; }        // 0 before the first sample
  double averageRttMs() const { return averageRttMs_; }  // 0 before the first sample
  uint64_t sampleCount() const { return samples_; }

  static uint64_t toNtp(int64_t unixMs) { return unixMsToNtp(unixMs); }
  static uint32_t ntpMiddle32(uint64_t ntp) { return rooms::rtc::ntpMiddle32(ntp); }

 private:
  struct SentReport {
    uint32_t middle32 = 0;
    int64_t sentMs = 0;
    bool used = false;
  };

  std::array<SentReport, kHistorySize> sent_{};
  size_t next_ = 0;
  double lastRttMs_ = 0;
  double averageRttMs_ = 0;
  uint64_t samples_ = 0;
};

}  // namespace rooms::rtc
