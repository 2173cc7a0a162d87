#include "rtc/rtp/RtpStreamRewriter.h"

#include <limits>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

void RtpStreamRewriter::switchSource(uint32_t clockRate) {
  clockRate_ = clockRate;
  newSegment_ = true;
}

void RtpStreamRewriter::resume() {
  paused_ = false;
  switchSource(clockRate_);
}

uint32_t RtpStreamRewriter::rtpTimestampAt(int64_t nowMs) const {
  return lastOutTimestamp_ + msToRtpTicks(elapsedMs(lastMappedMs_, nowMs), clockRate_);
}

std::optional<RtpStreamRewriter::Mapped> RtpStreamRewriter::map(uint16_t inSeq, uint32_t inTimestamp,
                                                                int64_t nowMs) {
  if (paused_) return std::nullopt;

  if (newSegment_) {
    uint16_t outSeq = inSeq;
    uint32_t outTimestamp = inTimestamp;
    if (started_) {
      outSeq = static_cast<uint16_t>(lastOutSeq_ + 1);
      // The new source's timestamps are unrelated to the old one's; what the subscriber should see is the
      // wall time that passed. At least one tick, so the new frame never shares the last one's timestamp.
      uint32_t ticks = msToRtpTicks(elapsedMs(lastMappedMs_, nowMs), clockRate_);
      if (ticks == 0) ticks = 1;
      outTimestamp = lastOutTimestamp_ + ticks;
    }
    seqOffset_ = static_cast<uint16_t>(outSeq - inSeq);
    timestampOffset_ = outTimestamp - inTimestamp;
    highestInSeq_ = inSeq;
    highestInSegment_ = 0;
    newSegment_ = false;
    started_ = true;
    lastOutSeq_ = outSeq;
    lastOutTimestamp_ = outTimestamp;
    lastMappedMs_ = nowMs;
    return Mapped{outSeq, outTimestamp};
  }

  // Half the sequence space either way is all a 16-bit number can say; exactly half is ambiguous, and
  // reverseSeq() could not map it back, so it is dropped.
  const int16_t delta = static_cast<int16_t>(static_cast<uint16_t>(inSeq - highestInSeq_));
  if (delta == std::numeric_limits<int16_t>::min()) return std::nullopt;
  const int64_t position = highestInSegment_ + delta;
  if (position < 0) return std::nullopt;
  const Mapped mapped{static_cast<uint16_t>(inSeq + seqOffset_), inTimestamp + timestampOffset_};
  if (position > highestInSegment_) {
    highestInSegment_ = position;
    highestInSeq_ = inSeq;
    lastOutSeq_ = mapped.seq;
    lastOutTimestamp_ = mapped.timestamp;
    lastMappedMs_ = nowMs;
  }
  return mapped;
}

std::optional<uint16_t> RtpStreamRewriter::reverseSeq(uint16_t outSeq) const {
  if (!started_) return std::nullopt;
  const int64_t behind = static_cast<int16_t>(static_cast<uint16_t>(lastOutSeq_ - outSeq));
  if (behind < 0 || behind > highestInSegment_) return std::nullopt;
  return static_cast<uint16_t>(outSeq - seqOffset_);
}

}  // namespace rooms::rtc
