#pragma once
// The rate half of the delay-based estimator (GoogCC's AIMD controller): while the detector says Normal the
// estimate grows, multiplicatively (8% per second) when the path's capacity is unknown and additively
// (about a packet per response time, the packet a frame's share at this rate) once it is near the rate
// where it last congested; on Overusing it drops to kBeta times what the link is known to carry, at most
// once per round trip (a key frame's burst that two feedbacks in a row report is one overuse, not two)
// unless that is under half the estimate; Underusing holds it while the queue drains. It never grows past
// 1.5 times what the link carried (plus a little): an estimate far above what is being sent is a guess, not
// a measurement.
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
  static constexpr double kMinAdditiveBps = 4'000;
  // The wait between two changes before an overuse may cut again: the round trip, within these bounds.
  static constexpr int64_t kMinReduceIntervalMs = 10;
  static constexpr int64_t kMaxReduceIntervalMs = 200;

  enum class State : uint8_t { Hold, Increase, Decrease };

  AimdRateControl(uint64_t minBps, uint64_t maxBps, uint64_t startBps);

  // ackedBps: what the link is known to carry (SendSideBandwidthEstimator: the arrived rate, its peak over
  // the last second, or a packet train's), 0 when not known yet. Returns the estimate.
  uint64_t update(BandwidthUsage usage, uint64_t ackedBps, int64_t nowMs, int64_t rttMs);
  // Lowers the estimate to at most bps (the loss-based limit); the delay controller goes on from there.
  void limit(uint64_t bps);
  // Sets the estimate to a measurement of the link (a probe's). Where the link congests is left to the
  // delay detector to find: a probe's saturation is one 15 ms sample, and on a busy receiver its arrival
  // times alone can spread a burst (a clean loopback link read as 1.1 Mbit/s once).
  void setEstimate(uint64_t bps);

  uint64_t estimate() const { return rate_; }
  bool nearCapacity() const { return capacityBps_ > 0; }

 private:
  bool timeToReduce(uint64_t ackedBps, int64_t nowMs, int64_t rttMs) const;
  void onDecrease(uint64_t ackedBps);
  void updateCapacity(double ackedBps);

  uint64_t minBps_;
  uint64_t maxBps_;
  uint64_t rate_;
  State state_ = State::Hold;
  int64_t lastUpdateMs_ = -1;
  int64_t lastChangeMs_ = -1;  // the last increase or decrease
  // Where the path congested before: an exponential average of the arrived rate at each decrease, and its
  // variance relative to it. 0: unknown (or forgotten after the path carried clearly more).
  double capacityBps_ = 0;
  double capacityVariance_ = 0.4;
};

}  // namespace rooms::rtc
