#include "rtc/bwe/InterArrivalGroups.h"

#include <algorithm>

namespace rooms::rtc {

bool InterArrivalGroups::belongsToBurst(int64_t sendUs, int64_t arrivalUs) const {
  const int64_t arrivalDelta = arrivalUs - current_.lastArrivalUs;
  const int64_t sendDelta = sendUs - current_.lastSendUs;
  const int64_t propagationDelta = arrivalDelta - sendDelta;
  return propagationDelta < 0 && arrivalDelta <= kBurstArrivalUs &&
         arrivalUs - current_.firstArrivalUs < kMaxBurstSpanUs;
}

std::optional<InterArrivalGroups::Delta> InterArrivalGroups::onPacket(int64_t sendUs, int64_t arrivalUs) {
  if (!hasCurrent_) {
    current_ = {sendUs, sendUs, arrivalUs, arrivalUs};
    hasCurrent_ = true;
    return std::nullopt;
  }
  if (sendUs < current_.firstSendUs) {
    return std::nullopt;  // reordered in send order: too old to group
  }
  if (sendUs - current_.firstSendUs <= kGroupSpanUs || belongsToBurst(sendUs, arrivalUs)) {
    current_.lastSendUs = std::max(current_.lastSendUs, sendUs);
    current_.lastArrivalUs = std::max(current_.lastArrivalUs, arrivalUs);
    return std::nullopt;
  }
  std::optional<Delta> delta;
  if (hasPrevious_) {
    Delta d{current_.lastSendUs - previous_.lastSendUs, current_.lastArrivalUs - previous_.lastArrivalUs,
            current_.lastArrivalUs};
    if (d.arrivalDeltaUs > kResetArrivalJumpUs || d.arrivalDeltaUs < -kResetArrivalJumpUs) {
      reset();
      current_ = {sendUs, sendUs, arrivalUs, arrivalUs};
      hasCurrent_ = true;
      return std::nullopt;
    }
    delta = d;
  }
  previous_ = current_;
  hasPrevious_ = true;
  current_ = {sendUs, sendUs, arrivalUs, arrivalUs};
  return delta;
}

void InterArrivalGroups::reset() {
  hasCurrent_ = false;
  hasPrevious_ = false;
}

}  // namespace rooms::rtc
