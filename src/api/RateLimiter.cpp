#include "api/RateLimiter.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace rooms {

RateLimiter::RateLimiter(double ratePerSecond, double burst, size_t maxBuckets)
    : rate_(std::isfinite(ratePerSecond) ? ratePerSecond : 0.0),
      // A burst below one token would refuse every request forever.
      burst_(std::isfinite(burst) ? std::max(burst, 1.0) : 1.0),
      maxBuckets_(std::max<size_t>(maxBuckets, 1)) {}

RateLimiter::Decision RateLimiter::allow(const std::string& key, int64_t nowMs) {
  if (!enabled()) {
    return {};
  }
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= maxBuckets_) {
      prune(nowMs);
    }
    it = buckets_.emplace(key, Bucket{burst_, nowMs}).first;
  } else {
    Bucket& b = it->second;
    // A clock that steps backwards refills nothing rather than producing negative tokens.
    if (nowMs > b.lastMs) {
      b.tokens = std::min(burst_, b.tokens + static_cast<double>(nowMs - b.lastMs) * rate_ / 1000.0);
      b.lastMs = nowMs;
    }
  }
  Bucket& b = it->second;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double wait = std::ceil((1.0 - b.tokens) / rate_);
  constexpr double kMaxRetry = 86400.0;  // a tiny configured rate must not overflow the int
  return {false, static_cast<int>(std::clamp(wait, 1.0, kMaxRetry))};
}

void RateLimiter::prune(int64_t nowMs) {
  // A bucket that has refilled to burst behaves exactly like a new one, so dropping it changes no decision.
  std::erase_if(buckets_, [&](const auto& entry) {
    const Bucket& b = entry.second;
    const double elapsed = nowMs > b.lastMs ? static_cast<double>(nowMs - b.lastMs) : 0.0;
    return b.tokens + elapsed * rate_ / 1000.0 >= burst_;
  });
  if (buckets_.size() < maxBuckets_) {
    return;
  }
  // Still full: every bucket is active, as in a scan from many addresses. Evicting the least recently used
  // eighth (not just one) keeps this O(n) pass from running again on every new key.
  std::vector<int64_t> times;
  times.reserve(buckets_.size());
  for (const auto& [k, b] : buckets_) {
    times.push_back(b.lastMs);
  }
  const size_t evict = std::max<size_t>(buckets_.size() / 8, buckets_.size() - maxBuckets_ + 1);
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(evict - 1), times.end());
  const int64_t cutoff = times[evict - 1];
  size_t removed = 0;
  for (auto it = buckets_.begin(); it != buckets_.end() && removed < evict;) {
    if (it->second.lastMs <= cutoff) {
      it = buckets_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
}

}  // namespace rooms
