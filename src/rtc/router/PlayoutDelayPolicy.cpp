#include "rtc/router/PlayoutDelayPolicy.h"

#include <algorithm>

namespace rooms::rtc {

void PlayoutDelayPolicy::update(uint64_t packetsMissing, uint64_t packetsReceived, int64_t publisherRttMs,
                                int64_t nowMs) {
  const uint64_t missing = packetsMissing - lastMissing_;
  const uint64_t received = packetsReceived - lastReceived_;
  lastMissing_ = packetsMissing;
  lastReceived_ = packetsReceived;
  if (received == 0) {
    return;  // nothing sent: nothing learned
  }
  const double ratio = static_cast<double>(missing) / static_cast<double>(received + missing);
  if (ratio >= kLossyRatio) {
    const int64_t rtt = publisherRttMs > 0 ? publisherRttMs : kDefaultRttMs;
    auto target = static_cast<uint32_t>(std::min<int64_t>(rtt * 3 / 2 + kMarginMs, kMaxDelayMs));
    target = (target + 9) / 10 * 10;
    // Only upwards while lossy: a floor that moves every second makes the picture's delay wander.
    minDelayMs_ = std::max(minDelayMs_, target);
    lossyAtMs_ = nowMs;
  } else if (minDelayMs_ > 0 && nowMs - lossyAtMs_ >= kHoldMs) {
    minDelayMs_ = 0;
  }
}

}  // namespace rooms::rtc
