#include "rtc/bwe/SendSideBandwidthEstimator.h"

#include <algorithm>

#include "rtc/rtcp/TransportFeedback.h"

namespace rooms::rtc {

SendSideBandwidthEstimator::SendSideBandwidthEstimator() : rate_(kMinBps, kMaxBps, kMaxBps) {}

void SendSideBandwidthEstimator::onPacketSent(uint16_t sequence, int64_t sendUs, size_t rtpBytes) {
  history_.onSent(sequence, sendUs, rtpBytes + kPacketOverheadBytes);
}

void SendSideBandwidthEstimator::onFeedback(const TransportFeedback& feedback, int64_t nowMs, int64_t rttMs) {
  int64_t arrivalUs = feedback.referenceTimeUs();
  // A malformed tail is dropped by forEachPacket after what could be read; that part is still good data.
  feedback.forEachPacket([&](uint16_t sequence, bool received, int64_t deltaUs) {
    if (received) {
      arrivalUs += deltaUs;
    }
    SentPacketHistory::Entry* sent = history_.find(sequence);
    if (!sent || sent->acknowledged) {
      return;
    }
    lossSentBytes_ += sent->size;
    if (!received) {
      ++lossLost_;
      return;
    }
    sent->acknowledged = true;
    ++lossReceived_;
    acked_.onAcked(arrivalUs, sent->size);
    train_.onPacket(sent->sendUs, arrivalUs, sent->size);
    if (auto delta = groups_.onPacket(sent->sendUs, arrivalUs)) {
      trendline_.update(static_cast<double>(delta->sendDeltaUs) / 1000.0,
                        static_cast<double>(delta->arrivalDeltaUs) / 1000.0, delta->arrivalUs / 1000);
    }
  });
  active_ = true;
  const uint64_t acked = acked_.bps();
  if (acked >= peakAckedBps_ || nowMs - peakAckedAtMs_ > kPeakHoldMs) {
    peakAckedBps_ = acked;
    peakAckedAtMs_ = nowMs;
  }
  const uint64_t carried = carriedBps(acked);
  // Loss that says congestion holds the estimate where the delay alone would let it grow: a drop-tail
  // queue that stays full stops the delay from rising, and growing into it only loses more.
  BandwidthUsage usage = trendline_.state();
  if (nowMs < lossHoldUntilMs_ && usage == BandwidthUsage::Normal) {
    usage = BandwidthUsage::Underusing;
  }
  rate_.update(usage, carried, nowMs, rttMs);

  if (lossSinceMs_ < 0) {
    lossSinceMs_ = nowMs;
  }
  const uint32_t total = lossReceived_ + lossLost_;
  if (nowMs - lossSinceMs_ >= kLossIntervalMs && total >= kMinLossSamples) {
    loss_ = static_cast<double>(lossLost_) / total;
    const uint64_t sentBps = lossSentBytes_ * 8 * 1000 / static_cast<uint64_t>(nowMs - lossSinceMs_);
    lossReceived_ = 0;
    lossLost_ = 0;
    lossSentBytes_ = 0;
    lossSinceMs_ = nowMs;
    onLossWindow(carried, sentBps, nowMs);
  }
}

uint64_t SendSideBandwidthEstimator::carriedBps(uint64_t ackedBps) const {
  // A train above the estimate proves nothing the estimate does not already allow (a jittery path spreads
  // a burst too); below it, it is what the link carried while busy, which a cut must not go under.
  const uint64_t train = std::min(train_.bps(), rate_.estimate());
  return std::max({ackedBps, peakAckedBps_, train});
}

void SendSideBandwidthEstimator::onLossWindow(uint64_t carriedBps, uint64_t sentBps, int64_t nowMs) {
  if (loss_ < inherentLoss_) {
    inherentLoss_ = std::max(loss_, inherentLoss_ * 0.95);  // forget slowly
  }
  if (watchingCut_) {
    // Sending less and losing as much means the loss is the link's own. What arrived cannot tell: through
    // a saturated bottleneck it is the bottleneck's rate before and after the cut alike. The publisher
    // takes a second or two to follow a lower REMB, so until we really send less the window says nothing,
    // and cutting again would only compound the cut it has not followed yet.
    if (sentBps > static_cast<uint64_t>(kSentLess * static_cast<double>(sentAtCut_)) &&
        ++windowsWatched_ < kMaxWindowsWatched) {
      return;
    }
    watchingCut_ = false;
    if (sentBps <= static_cast<uint64_t>(kSentLess * static_cast<double>(sentAtCut_)) &&
        loss_ >= kSameLoss * lossAtCut_) {
      inherentLoss_ = std::max(inherentLoss_, loss_);
      lossHoldUntilMs_ = 0;
      return;
    }
  }
  const double threshold = std::max(kHighLoss, inherentLoss_ + kLossMargin);
  if (loss_ <= threshold || carriedBps == 0) {
    lossHoldUntilMs_ = 0;
    return;
  }
  lossHoldUntilMs_ = nowMs + kLossIntervalMs;
  rate_.limit(static_cast<uint64_t>(static_cast<double>(carriedBps) * (1 - 0.5 * loss_)));
  watchingCut_ = true;
  windowsWatched_ = 0;
  lossAtCut_ = loss_;
  sentAtCut_ = sentBps;
}

}  // namespace rooms::rtc
