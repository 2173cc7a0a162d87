#include "rtc/bwe/AckedBitrate.h"

namespace rooms::rtc {

namespace {
constexpr int64_t kSlots = static_cast<int64_t>(AckedBitrate::kBuckets) + 1;
size_t slotOf(int64_t index) {
  return static_cast<size_t>(((index % kSlots) + kSlots) % kSlots);
}
}  // namespace

void AckedBitrate::onAcked(int64_t arrivalUs, size_t bytes) {
  const int64_t index = arrivalUs >= 0 ? arrivalUs / kBucketUs : (arrivalUs - kBucketUs + 1) / kBucketUs;
  if (!started_) {
    started_ = true;
    current_ = index;
    first_ = index;
    bytes_.fill(0);
  }
  if (index > current_) {
    // Clear the buckets skipped over: nothing arrived in them.
    const int64_t steps = index - current_;
    if (steps >= kSlots) {
      bytes_.fill(0);
    } else {
      for (int64_t i = 1; i <= steps; ++i) {
        bytes_[slotOf(current_ + i)] = 0;
      }
    }
    current_ = index;
  } else if (index <= current_ - kSlots) {
    return;  // older than the window (reordered across a long gap)
  }
  bytes_[slotOf(index)] += bytes;
}

uint64_t AckedBitrate::bps() const {
  if (!started_ || current_ - first_ < static_cast<int64_t>(kBuckets)) {
    return 0;
  }
  uint64_t sum = 0;
  for (int64_t i = 1; i <= static_cast<int64_t>(kBuckets); ++i) {
    sum += bytes_[slotOf(current_ - i)];
  }
  constexpr int64_t kWindowUs = kBucketUs * static_cast<int64_t>(kBuckets);
  return sum * 8 * 1'000'000 / kWindowUs;
}

}  // namespace rooms::rtc
