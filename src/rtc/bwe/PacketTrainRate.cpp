#include "rtc/bwe/PacketTrainRate.h"

namespace rooms::rtc {

void PacketTrainRate::onPacket(int64_t sendUs, int64_t arrivalUs, size_t bytes) {
  if (packets_ > 0 &&
      (sendUs - lastSendUs_ > kMaxSendGapUs || sendUs < lastSendUs_ || arrivalUs < lastArrivalUs_)) {
    close();
  }
  if (packets_ == 0) {
    firstSendUs_ = sendUs;
    firstArrivalUs_ = arrivalUs;
    bytesAfterFirst_ = 0;
  } else {
    // The first packet's bytes were on the link before the train's first arrival: they are not in its span.
    bytesAfterFirst_ += bytes;
  }
  lastSendUs_ = sendUs;
  lastArrivalUs_ = arrivalUs;
  ++packets_;
}

uint64_t PacketTrainRate::trainBps() const {
  const int64_t arrivalSpanUs = lastArrivalUs_ - firstArrivalUs_;
  const int64_t sendSpanUs = lastSendUs_ - firstSendUs_;
  if (packets_ < kMinPackets || arrivalSpanUs < kMinArrivalSpanUs ||
      arrivalSpanUs < kMinDispersion * sendSpanUs) {
    return 0;
  }
  return bytesAfterFirst_ * 8 * 1'000'000 / static_cast<uint64_t>(arrivalSpanUs);
}

void PacketTrainRate::close() {
  if (const uint64_t bps = trainBps(); bps > 0) {
    sampleBps_ = bps;
    sampleAtUs_ = lastArrivalUs_;
  }
  packets_ = 0;
}

uint64_t PacketTrainRate::bps() const {
  if (const uint64_t bps = trainBps(); bps > 0) {
    return bps;
  }
  if (sampleBps_ == 0 || lastArrivalUs_ - sampleAtUs_ > kValidUs) {
    return 0;
  }
  return sampleBps_;
}

}  // namespace rooms::rtc
