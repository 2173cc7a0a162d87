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
    if (!received) {
      ++lossLost_;
      return;
    }
    sent->acknowledged = true;
    ++lossReceived_;
    acked_.onAcked(arrivalUs, sent->size);
    if (auto delta = groups_.onPacket(sent->sendUs, arrivalUs)) {
      trendline_.update(static_cast<double>(delta->sendDeltaUs) / 1000.0,
                        static_cast<double>(delta->arrivalDeltaUs) / 1000.0, delta->arrivalUs / 1000);
    }
  });
  active_ = true;
  const uint64_t acked = acked_.bps();
  rate_.update(trendline_.state(), acked, nowMs, rttMs);

  if (lossSinceMs_ < 0) {
    lossSinceMs_ = nowMs;
  }
  const uint32_t total = lossReceived_ + lossLost_;
  if (nowMs - lossSinceMs_ >= kLossIntervalMs && total >= kMinLossSamples) {
    loss_ = static_cast<double>(lossLost_) / total;
    lossReceived_ = 0;
    lossLost_ = 0;
    lossSinceMs_ = nowMs;
    onLossWindow(acked);
  }
}

void SendSideBandwidthEstimator::onLossWindow(uint64_t ackedBps) {
  if (loss_ < inherentLoss_) {
    inherentLoss_ = std::max(loss_, inherentLoss_ * 0.95);  // forget slowly
  }
  if (watchingCut_) {
    // The first window after a cut: sending less and losing as much means the loss is the link's own.
    watchingCut_ = false;
    if (loss_ >= kSameLoss * lossAtCut_ && ackedBps < ackedAtCut_) {
      inherentLoss_ = std::max(inherentLoss_, loss_);
      return;
    }
  }
  const double threshold = std::max(kHighLoss, inherentLoss_ + kLossMargin);
  if (loss_ <= threshold || ackedBps == 0) {
    return;
  }
  rate_.limit(static_cast<uint64_t>(static_cast<double>(ackedBps) * (1 - 0.5 * loss_)));
  watchingCut_ = true;
  lossAtCut_ = loss_;
  ackedAtCut_ = ackedBps;
}

}  // namespace rooms::rtc
