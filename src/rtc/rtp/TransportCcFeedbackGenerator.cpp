#include "rtc/rtp/TransportCcFeedbackGenerator.h"

namespace rooms::rtc {

void TransportCcFeedbackGenerator::onPacket(uint16_t transportSeq, int64_t arrivalUs) {
  int64_t seq = transportSeq;
  if (!started_) {
    started_ = true;
    highest_ = seq;
    nextBase_ = seq;
  } else {
    // Unwrap against the newest: half the sequence space either way.
    seq = highest_ +
          static_cast<int16_t>(static_cast<uint16_t>(transportSeq - static_cast<uint16_t>(highest_)));
    if (seq < nextBase_) return;  // already reported lost
    if (seq > highest_) highest_ = seq;
    if (highest_ - nextBase_ >= static_cast<int64_t>(kWindow)) nextBase_ = highest_ - kWindow + 1;
  }
  slots_[static_cast<size_t>(seq) % kWindow] = Slot{seq, arrivalUs};
}

size_t TransportCcFeedbackGenerator::write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc,
                                           int64_t nowMs) {
  const size_t count = pending();
  if (count == 0) return 0;
  for (size_t i = 0; i < count; ++i) {
    const int64_t seq = nextBase_ + static_cast<int64_t>(i);
    const Slot& slot = slots_[static_cast<size_t>(seq) % kWindow];
    scratch_[i] =
        slot.seq == seq ? TransportFeedback::Arrival{true, slot.atUs} : TransportFeedback::Arrival{};
  }
  const auto written = TransportFeedback::write(out, senderSsrc, mediaSsrc, static_cast<uint16_t>(nextBase_),
                                                feedbackCount_, {scratch_.data(), count});
  if (written.bytes == 0) return 0;
  ++feedbackCount_;
  ++feedbackSent_;
  nextBase_ += static_cast<int64_t>(written.packets);
  lastFeedbackMs_ = nowMs;
  return written.bytes;
}

}  // namespace rooms::rtc
