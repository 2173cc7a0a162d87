#include "recording/TrackClock.h"

#include <algorithm>
#include <cmath>

namespace rooms::recording {

TrackClock::TrackClock(uint32_t clockRate) : clockRate_(clockRate == 0 ? 90000 : clockRate) {}

int64_t TrackClock::unwrap(uint32_t timestamp) {
  if (last_) {
    // A timestamp within half the range after the last one is ahead of it, even across the wrap.
    const auto delta = static_cast<int32_t>(timestamp - *last_);
    if (delta > 0 && timestamp < *last_) cycles_ += int64_t{1} << 32;
    if (delta < 0 && timestamp > *last_) {
      // An older timestamp from before the wrap: counted in the previous cycle, without moving last_.
      return cycles_ - (int64_t{1} << 32) + timestamp;
    }
    if (delta < 0) return cycles_ + timestamp;
  }
  last_ = timestamp;
  return cycles_ + timestamp;
}

void TrackClock::onPacket(uint32_t timestamp, int64_t arrivalMs) {
  const int64_t t = unwrap(timestamp);
  if (!arrival_) arrival_ = Anchor{t, arrivalMs};
}

void TrackClock::onSenderReport(uint64_t ntp, uint32_t timestamp) {
  const double offset =
      static_cast<double>(ntpToMs(ntp)) - static_cast<double>(unwrap(timestamp)) * 1000.0 / clockRate_;
  if (reports_ > 0 && std::abs(offset - offset_) > kDiscontinuityMs) {
    reports_ = 0;
    nextSlot_ = 0;
  }
  offsets_[nextSlot_] = offset;
  nextSlot_ = (nextSlot_ + 1) % kReportWindow;
  reports_ = std::min(reports_ + 1, kReportWindow);
  offset_ = medianOffset();
}

double TrackClock::medianOffset() const {
  std::array<double, kReportWindow> sorted{};
  std::copy_n(offsets_.begin(), reports_, sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(reports_));
  const size_t mid = reports_ / 2;
  return reports_ % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

int64_t TrackClock::toMs(int64_t ticks) const {
  return ticks * 1000 / static_cast<int64_t>(clockRate_);
}

std::optional<int64_t> TrackClock::senderMs(uint32_t timestamp) {
  if (reports_ == 0) return std::nullopt;
  return std::llround(offset_ + static_cast<double>(unwrap(timestamp)) * 1000.0 / clockRate_);
}

std::optional<int64_t> TrackClock::arrivalMs(uint32_t timestamp) {
  if (!arrival_) return std::nullopt;
  return arrival_->ms + toMs(unwrap(timestamp) - arrival_->timestamp);
}

int64_t TrackClock::ntpToMs(uint64_t ntp) {
  const auto seconds = static_cast<int64_t>(ntp >> 32);
  const auto fraction = static_cast<int64_t>(ntp & 0xFFFFFFFFu);
  return seconds * 1000 + ((fraction * 1000) >> 32);
}

}  // namespace rooms::recording
