#include "rtc/rtp/RtpReceiveStats.h"

#include <algorithm>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

namespace {
constexpr uint64_t kSeqMod = 1u << 16;
}  // namespace

RtpReceiveStats::RtpReceiveStats(uint32_t clockRate) : clockRate_(clockRate) {}

void RtpReceiveStats::initSequence(uint16_t seq) {
  baseSeq_ = seq;
  maxSeq_ = seq;
  badSeq_ = kNoBadSeq;
  cycles_ = 0;
  received_ = 0;
  receivedPrior_ = 0;
  expectedPrior_ = 0;
  // A new sequence is a new sender timeline: the old transit time says nothing about the new one.
  hasTransit_ = false;
}

void RtpReceiveStats::onPacket(uint16_t seq, uint32_t rtpTimestamp, int64_t arrivalMs, size_t bytes) {
  ++packetsReceived_;
  bytesReceived_ += bytes;

  if (!started_) {
    started_ = true;
    initSequence(seq);
    ++received_;
    updateJitter(rtpTimestamp, arrivalMs);
    return;
  }

  const uint16_t delta = static_cast<uint16_t>(seq - maxSeq_);
  if (delta == 0) {
    ++received_;  // duplicate of the highest packet
    return;
  }
  if (delta < kMaxDropout) {
    // In order, possibly with a gap.
    if (seq < maxSeq_) cycles_ += kSeqMod;
    maxSeq_ = seq;
    ++received_;
    updateJitter(rtpTimestamp, arrivalMs);
    return;
  }
  if (delta <= kSeqMod - kMaxMisorder) {
    // A very large jump. Two packets in a row on the new sequence mean the sender restarted it without
    // telling us (A.1); a lone one is more likely a stray and is ignored.
    if (seq == badSeq_) {
      initSequence(seq);
      ++received_;
      updateJitter(rtpTimestamp, arrivalMs);
    } else {
      badSeq_ = (static_cast<uint32_t>(seq) + 1) & (kSeqMod - 1);
    }
    return;
  }
  // Duplicate or reordered: it counts as received, but an old packet's transit time would add jitter that
  // the network did not cause, so A.8 only sees packets that advance the sequence.
  ++received_;
}

void RtpReceiveStats::updateJitter(uint32_t rtpTimestamp, int64_t arrivalMs) {
  // Transit times are only ever compared with each other, so the modulo-2^32 difference is what we want.
  const uint32_t transit = msToRtpTicks(arrivalMs, clockRate_) - rtpTimestamp;
  if (hasTransit_) {
    const int64_t d = static_cast<int32_t>(transit - lastTransit_);
    const double absD = static_cast<double>(d < 0 ? -d : d);
    jitter_ += (absD - jitter_) / 16.0;
  }
  lastTransit_ = transit;
  hasTransit_ = true;
}

void RtpReceiveStats::onSenderReport(uint64_t ntp, uint32_t rtpTimestamp, int64_t nowMs) {
  hasSenderReport_ = true;
  lastSrNtp_ = ntp;
  lastSrRtpTimestamp_ = rtpTimestamp;
  lastSrArrivalMs_ = nowMs;
}

int64_t RtpReceiveStats::expected() const {
  if (!started_) return 0;
  return static_cast<int64_t>(cycles_ + maxSeq_) - static_cast<int64_t>(baseSeq_) + 1;
}

int64_t RtpReceiveStats::cumulativeLost() const {
  return expected() - static_cast<int64_t>(received_);
}

double RtpReceiveStats::lossRatio() const {
  const int64_t expectedCount = expected();
  if (expectedCount <= 0) return 0.0;
  const int64_t lost = cumulativeLost();
  if (lost <= 0) return 0.0;
  return std::min(1.0, static_cast<double>(lost) / static_cast<double>(expectedCount));
}

ReportBlock RtpReceiveStats::reportBlock(uint32_t ssrc, int64_t nowMs) {
  ReportBlock block;
  block.ssrc = ssrc;
  if (started_) {
    // A.3: the fraction covers only the interval since the last report.
    const int64_t expectedCount = expected();
    const int64_t expectedInterval = expectedCount - expectedPrior_;
    const int64_t receivedInterval = static_cast<int64_t>(received_ - receivedPrior_);
    expectedPrior_ = expectedCount;
    receivedPrior_ = received_;
    const int64_t lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval > 0 && lostInterval > 0) {
      block.fractionLost =
          static_cast<uint8_t>(std::min<int64_t>((lostInterval << 8) / expectedInterval, 255));
    }
    block.cumulativeLost = static_cast<int32_t>(std::clamp<int64_t>(
        cumulativeLost(), ReportBlock::kMinCumulativeLost, ReportBlock::kMaxCumulativeLost));
    block.extendedHighestSequence = extendedHighestSeq();
    block.jitter = jitter();
  }
  if (hasSenderReport_) {
    block.lastSenderReport = ntpMiddle32(lastSrNtp_);
    block.delaySinceLastSenderReport = msToNtpShort(elapsedMs(lastSrArrivalMs_, nowMs));
  }
  return block;
}

}  // namespace rooms::rtc
