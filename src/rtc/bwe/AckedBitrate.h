#pragma once
// The rate at which a subscriber received what we sent it, from the arrival times in its transport-cc
// feedback (the receiver's clock): bytes per 50 ms bucket over the last kBuckets complete buckets. This,
// not what we sent, is what the rate controller cuts from on congestion: what we send may be queueing.
#include <array>
#include <cstddef>
#include <cstdint>

namespace rooms::rtc {

class AckedBitrate {
 public:
  static constexpr int64_t kBucketUs = 50'000;
  static constexpr size_t kBuckets = 10;  // the window: half a second of complete buckets

  void onAcked(int64_t arrivalUs, size_t bytes);
  // Bits per second over the window; 0 until a whole window has been seen.
  uint64_t bps() const;

 private:
  std::array<uint64_t, kBuckets + 1> bytes_{};  // one more: the bucket still filling
  int64_t current_ = 0;                         // index of the newest bucket (arrival / kBucketUs)
  int64_t first_ = 0;
  bool started_ = false;
};

}  // namespace rooms::rtc
