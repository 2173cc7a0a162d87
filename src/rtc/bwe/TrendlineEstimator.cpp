#include "rtc/bwe/TrendlineEstimator.h"

#include <algorithm>
#include <cmath>

namespace rooms::rtc {

namespace {
// Least-squares slope of y over x; 0 when x does not vary.
template <typename Points>
double slopeOf(const Points& points, size_t count) {
  double sumX = 0;
  double sumY = 0;
  for (size_t i = 0; i < count; ++i) {
    sumX += points[i].x;
    sumY += points[i].y;
  }
  const double meanX = sumX / static_cast<double>(count);
  const double meanY = sumY / static_cast<double>(count);
  double numerator = 0;
  double denominator = 0;
  for (size_t i = 0; i < count; ++i) {
    const double dx = points[i].x - meanX;
    numerator += dx * (points[i].y - meanY);
    denominator += dx * dx;
  }
  return denominator == 0 ? 0 : numerator / denominator;
}
}  // namespace

void TrendlineEstimator::update(double sendDeltaMs, double arrivalDeltaMs, int64_t arrivalMs) {
  const double delta = arrivalDeltaMs - sendDeltaMs;
  samples_ = std::min(samples_ + 1, 1000);
  if (firstArrivalMs_ < 0) {
    firstArrivalMs_ = arrivalMs;
  }
  accumulatedDelay_ += delta;
  smoothedDelay_ = kSmoothing * smoothedDelay_ + (1 - kSmoothing) * accumulatedDelay_;
  window_[windowNext_] = {static_cast<double>(arrivalMs - firstArrivalMs_), smoothedDelay_};
  windowNext_ = (windowNext_ + 1) % kWindow;
  windowCount_ = std::min(windowCount_ + 1, kWindow);
  // Until the window is full the previous trend stands (0 at first): a few points give a noisy slope.
  if (windowCount_ == kWindow) {
    trend_ = slopeOf(window_, windowCount_);
  }
  detect(trend_, sendDeltaMs, arrivalMs);
}

void TrendlineEstimator::detect(double trend, double sendDeltaMs, int64_t arrivalMs) {
  if (samples_ < 2) {
    state_ = BandwidthUsage::Normal;
    return;
  }
  const double modified = std::min(samples_, kMaxSampleWeight) * trend * kThresholdGain;
  if (modified > threshold_) {
    timeOverusingMs_ = timeOverusingMs_ < 0 ? sendDeltaMs / 2 : timeOverusingMs_ + sendDeltaMs;
    ++overuseCount_;
    if (timeOverusingMs_ > kOveruseTimeMs && overuseCount_ > 1 && trend >= previousTrend_) {
      timeOverusingMs_ = 0;
      overuseCount_ = 0;
      state_ = BandwidthUsage::Overusing;
    }
  } else if (modified < -threshold_) {
    timeOverusingMs_ = -1;
    overuseCount_ = 0;
    state_ = BandwidthUsage::Underusing;
  } else {
    timeOverusingMs_ = -1;
    overuseCount_ = 0;
    state_ = BandwidthUsage::Normal;
  }
  previousTrend_ = trend;
  adaptThreshold(modified, arrivalMs);
}

void TrendlineEstimator::adaptThreshold(double modifiedTrend, int64_t arrivalMs) {
  if (lastThresholdUpdateMs_ < 0) {
    lastThresholdUpdateMs_ = arrivalMs;
  }
  const double magnitude = std::fabs(modifiedTrend);
  if (magnitude > threshold_ + kMaxThresholdJump) {
    // A single spike (a route change, a paused sender) must not teach the detector to ignore queues.
    lastThresholdUpdateMs_ = arrivalMs;
    return;
  }
  const double k = magnitude < threshold_ ? kThresholdDown : kThresholdUp;
  const double elapsedMs =
      static_cast<double>(std::clamp<int64_t>(arrivalMs - lastThresholdUpdateMs_, 0, 100));
  threshold_ =
      std::clamp(threshold_ + k * (magnitude - threshold_) * elapsedMs, kMinThreshold, kMaxThreshold);
  lastThresholdUpdateMs_ = arrivalMs;
}

}  // namespace rooms::rtc
