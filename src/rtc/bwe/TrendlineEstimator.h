#pragma once
// Delay-based congestion detection after the GoogCC design (draft-ietf-rmcat-gcc-02, and libwebrtc's
// trendline variant of it): each pair of packet groups gives a delay variation (how much later the second
// group arrived than its send spacing says). Their running sum, smoothed, is the queueing delay the path
// has built up; the slope of that over the last kWindow groups says whether a queue is growing. The slope,
// scaled by how many samples stand behind it, is compared with a threshold that adapts to the path's own
// jitter, so a jittery link is not taken for a congested one and a clean link reacts to a few ms of
// queue. Overuse is declared only when it lasts (kOveruseTimeMs and two samples) and is not shrinking.
#include <array>
#include <cstddef>
#include <cstdint>

#include "rtc/bwe/BandwidthUsage.h"

namespace rooms::rtc {

class TrendlineEstimator {
 public:
  static constexpr size_t kWindow = 20;
  static constexpr double kSmoothing = 0.9;
  static constexpr double kThresholdGain = 4.0;
  static constexpr int kMaxSampleWeight = 60;
  static constexpr double kOveruseTimeMs = 10;
  static constexpr double kInitialThreshold = 12.5;
  static constexpr double kMinThreshold = 6;
  static constexpr double kMaxThreshold = 600;
  static constexpr double kThresholdUp = 0.0087;   // per ms, while the trend is above the threshold
  static constexpr double kThresholdDown = 0.039;  // per ms, while below
  static constexpr double kMaxThresholdJump = 15;  // a spike beyond threshold + this does not move it

  void update(double sendDeltaMs, double arrivalDeltaMs, int64_t arrivalMs);
  BandwidthUsage state() const { return state_; }

 private:
  void detect(double trend, double sendDeltaMs, int64_t arrivalMs);
  void adaptThreshold(double modifiedTrend, int64_t arrivalMs);

  struct Point {
    double x = 0;  // ms since the first sample
    double y = 0;  // smoothed accumulated delay, ms
  };
  std::array<Point, kWindow> window_{};
  size_t windowCount_ = 0;
  size_t windowNext_ = 0;
  int64_t firstArrivalMs_ = -1;
  double accumulatedDelay_ = 0;
  double smoothedDelay_ = 0;
  int samples_ = 0;
  double trend_ = 0;
  double previousTrend_ = 0;
  double threshold_ = kInitialThreshold;
  int64_t lastThresholdUpdateMs_ = -1;
  double timeOverusingMs_ = -1;
  int overuseCount_ = 0;
  BandwidthUsage state_ = BandwidthUsage::Normal;
};

}  // namespace rooms::rtc
