#pragma once
// The rate half of the delay-based estimator (GoogCC's AIMD controller): while the detector says Normal the
// estimate grows, multiplicatively (8% per second) when the path's capacity is unknown and additively
// (about a packet per response time) once it is near the rate where it last congested; on Overusing it
// drops to kBeta times the rate that actually arrived; Underusing holds it while the queue drains. It never
// grows past 1.5 times what arrived (plus a little): an estimate far above what is being sent is a guess,
// not a measurement.
#include <cstdint>

#include "rtc/bwe/BandwidthUsage.h"

namespace rooms::rtc {

class AimdRateControl {
 public:
  static constexpr double kBeta = 0.85;
  static constexpr double kIncreasePerSecond = 1.08;
  static constexpr double kMaxOverAcked = 1.5;
  static constexpr uint64_t kOverAckedSlackBps = 10'000;
  static constexpr double kPacketBits = 1200 * 8;

  enum class State : uint8_t { Hold, Increase, Decrease };

  AimdRateControl(uint64_t minBps, uint64_t maxBps, uint64_t startBps);

  // ackedBps: what the receiver got over the last half second, 0 when not known yet. Returns the estimate.
  uint64_t update(BandwidthUsage usage, uint64_t ackedBps, int64_t nowMs, int64_t rttMs);
  // Lowers the estimate to at most bps (the loss-based limit); the delay controller goes on from there.
  void limit(uint64_t bps);

  uint64_t estimate() const { return rate_; }
  bool nearCapacity() const { return capacityBps_ > 0; }

 private:
  void onDecrease(uint64_t ackedBps);
  void updateCapacity(double ackedBps);

  uint64_t minBps_;
  uint64_t maxBps_;
  uint64_t rate_;
  State state_ = State::Hold;
  int64_t lastUpdateMs_ = -1;
  // Where the path congested before: an exponential average of the arrived rate at each decrease, and its
  // variance relative to it. 0: unknown (or forgotten after the path carried clearly more).
  double capacityBps_ = 0;
  double capacityVariance_ = 0.4;
};

}  // namespace rooms::rtc
