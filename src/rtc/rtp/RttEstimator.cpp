#include "rtc/rtp/RttEstimator.h"

namespace rooms::rtc {

void RttEstimator::onSenderReportSent(uint64_t ntp, int64_t nowMs) {
  sent_[next_] = SentReport{ntpMiddle32(ntp), nowMs, true};
  next_ = (next_ + 1) % kHistorySize;
}

std::optional<double> RttEstimator::onReportBlock(uint32_t lsr, uint32_t dlsr, int64_t nowMs) {
  if (lsr == 0) return std::nullopt;
  const SentReport* match = nullptr;
  for (const SentReport& report : sent_) {
    if (report.used && report.middle32 == lsr) {
      match = &report;
      break;
    }
  }
  if (match == nullptr) return std::nullopt;

  // now - LSR in NTP short format is the time since that SR left, which our own clock measured.
  const int64_t elapsed = static_cast<int64_t>(msToNtpShort(elapsedMs(match->sentMs, nowMs)));
  const int64_t rttShort = elapsed - static_cast<int64_t>(dlsr);
  double rttMs = static_cast<double>(rttShort) * 1000.0 / 65536.0;
  if (rttMs < 0) {
    if (rttMs < -kNegativeToleranceMs) return std::nullopt;
    rttMs = 0;
  }

  lastRttMs_ = rttMs;
  averageRttMs_ = samples_ == 0 ? rttMs : averageRttMs_ + kSmoothing * (rttMs - averageRttMs_);
  ++samples_;
  return rttMs;
}

}  // namespace rooms::rtc
