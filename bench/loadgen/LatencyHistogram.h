#pragma once
// One-way latencies of a measurement window in 10-microsecond buckets up to 100 ms (beyond that, one
// overflow bucket and the exact maximum). Fixed size, so recording a packet allocates nothing.
#include <algorithm>
#include <array>
#include <cstdint>

namespace rooms::loadgen {

class LatencyHistogram {
 public:
  static constexpr int64_t kBucketNs = 10'000;
  static constexpr size_t kBuckets = 10'000;

  void record(int64_t latencyNs) {
    if (latencyNs < 0) latencyNs = 0;
    const auto bucket = static_cast<size_t>(latencyNs / kBucketNs);
    ++buckets_[std::min(bucket, kBuckets)];
    ++count_;
    maxNs_ = std::max(maxNs_, latencyNs);
  }

  void clear() {
    buckets_.fill(0);
    count_ = 0;
    maxNs_ = 0;
  }

  void merge(const LatencyHistogram& other) {
    for (size_t i = 0; i <= kBuckets; ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    maxNs_ = std::max(maxNs_, other.maxNs_);
  }

  uint64_t count() const { return count_; }
  double maxMs() const { return static_cast<double>(maxNs_) / 1e6; }

  // The upper edge of the bucket holding quantile q (0..1), in milliseconds; the maximum for the overflow.
  double quantileMs(double q) const {
    if (count_ == 0) return 0;
    const auto target = static_cast<uint64_t>(q * static_cast<double>(count_ - 1)) + 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += buckets_[i];
      if (seen >= target) return static_cast<double>((i + 1) * kBucketNs) / 1e6;
    }
    return maxMs();
  }

 private:
  std::array<uint64_t, kBuckets + 1> buckets_{};
  uint64_t count_ = 0;
  int64_t maxNs_ = 0;
};

}  // namespace rooms::loadgen
