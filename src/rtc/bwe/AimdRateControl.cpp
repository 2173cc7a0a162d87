#include "rtc/bwe/AimdRateControl.h"

#include <algorithm>
#include <cmath>

namespace rooms::rtc {

AimdRateControl::AimdRateControl(uint64_t minBps, uint64_t maxBps, uint64_t startBps)
    : minBps_(minBps), maxBps_(maxBps), rate_(std::clamp(startBps, minBps, maxBps)) {}

uint64_t AimdRateControl::update(BandwidthUsage usage, uint64_t ackedBps, int64_t nowMs, int64_t rttMs) {
  switch (usage) {
    case BandwidthUsage::Normal:
      state_ = State::Increase;  // from Hold; Decrease never outlasts the update that made it
      break;
    case BandwidthUsage::Overusing:
      state_ = State::Decrease;
      break;
    case BandwidthUsage::Underusing:
      state_ = State::Hold;
      break;
  }
  const int64_t elapsedMs = lastUpdateMs_ < 0 ? 0 : std::clamp<int64_t>(nowMs - lastUpdateMs_, 0, 1000);
  lastUpdateMs_ = nowMs;
  if (state_ == State::Decrease) {
    if (timeToReduce(ackedBps, nowMs, rttMs)) {
      onDecrease(ackedBps);
      lastChangeMs_ = nowMs;
    } else {
      state_ = State::Hold;
    }
    return rate_;
  }
  if (state_ != State::Increase || elapsedMs == 0) {
    return rate_;
  }

  if (capacityBps_ > 0 && ackedBps > 0) {
    // Clearly above where it congested before: the path changed, search multiplicatively again.
    const double sigmaBps = std::sqrt(capacityVariance_ * capacityBps_ / 1000) * 1000;
    if (static_cast<double>(ackedBps) > capacityBps_ + 3 * sigmaBps) {
      capacityBps_ = 0;
    }
  }
  double next = static_cast<double>(rate_);
  if (capacityBps_ > 0) {
    // About one packet per response time, a packet being what a frame at this rate splits into (libwebrtc's
    // additive increase): at 300 kbit/s two 5,000-bit packets a frame, so 36 kbit/s per second at a 40 ms
    // round trip, against 68 with a full-size packet, which overshot a 300 kbit/s link within a second of
    // every cut.
    const double responseMs = static_cast<double>(std::max<int64_t>(rttMs, 0) + 100);
    const double bitsPerFrame = static_cast<double>(rate_) / 30.0;
    const double packetsPerFrame = std::ceil(bitsPerFrame / kPacketBits);
    const double packetBits = bitsPerFrame / packetsPerFrame;
    next +=
        std::max(kMinAdditiveBps, packetBits * 1000.0 / responseMs) * static_cast<double>(elapsedMs) / 1000.0;
  } else {
    next = std::max(next * std::pow(kIncreasePerSecond, static_cast<double>(elapsedMs) / 1000.0),
                    next + static_cast<double>(elapsedMs));
  }
  if (ackedBps > 0) {
    // Growth stops at what the measurement supports, but an estimate already above it is not pulled down:
    // a sender pausing (camera off) says nothing about the path.
    const double ceiling = kMaxOverAcked * static_cast<double>(ackedBps) + kOverAckedSlackBps;
    if (next > ceiling) {
      next = std::max(static_cast<double>(rate_), ceiling);
    }
  }
  rate_ = std::clamp(static_cast<uint64_t>(next), minBps_, maxBps_);
  lastChangeMs_ = nowMs;
  return rate_;
}

bool AimdRateControl::timeToReduce(uint64_t ackedBps, int64_t nowMs, int64_t rttMs) const {
  if (lastChangeMs_ < 0 ||
      nowMs - lastChangeMs_ >= std::clamp(rttMs, kMinReduceIntervalMs, kMaxReduceIntervalMs)) {
    return true;
  }
  // Far below the estimate: the queue is not the last cut's echo, the estimate is simply too high.
  return ackedBps > 0 && ackedBps < rate_ / 2;
}

void AimdRateControl::onDecrease(uint64_t ackedBps) {
  const double base = ackedBps > 0 ? static_cast<double>(ackedBps) : static_cast<double>(rate_);
  const auto next = static_cast<uint64_t>(kBeta * base);
  if (next < rate_) {
    rate_ = std::max(next, minBps_);
  }
  if (ackedBps > 0) {
    updateCapacity(static_cast<double>(ackedBps));
  }
  // One decision per overuse: wait for the detector's next verdict before changing the rate again.
  state_ = State::Hold;
}

void AimdRateControl::updateCapacity(double ackedBps) {
  // In kbit/s, where the variance bounds below (after libwebrtc's) make sense: sigma is sqrt(variance x
  // capacity), 13-32 kbit/s at 400 kbit/s.
  constexpr double kAlpha = 0.05;
  const double acked = ackedBps / 1000;
  double capacity = capacityBps_ / 1000;
  if (capacity == 0) {
    capacityBps_ = ackedBps;
    return;
  }
  if (acked < capacity - 3 * std::sqrt(capacityVariance_ * capacity)) {
    // Far below the old capacity: the old figure no longer describes the path.
    capacityBps_ = ackedBps;
    return;
  }
  capacity = (1 - kAlpha) * capacity + kAlpha * acked;
  const double error = capacity - acked;
  capacityVariance_ = std::clamp(
      (1 - kAlpha) * capacityVariance_ + kAlpha * error * error / std::max(capacity, 1.0), 0.4, 2.5);
  capacityBps_ = capacity * 1000;
}

void AimdRateControl::setEstimate(uint64_t bps) {
  rate_ = std::clamp(bps, minBps_, maxBps_);
}

void AimdRateControl::limit(uint64_t bps) {
  rate_ = std::clamp(std::min(rate_, bps), minBps_, maxBps_);
}

}  // namespace rooms::rtc
