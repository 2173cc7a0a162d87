#include "rtc/bwe/SendSideBandwidthEstimator.h"

#include <algorithm>

#include "rtc/rtcp/TransportFeedback.h"

namespace rooms::rtc {

SendSideBandwidthEstimator::SendSideBandwidthEstimator() : rate_(kMinBps, kMaxBps, kMaxBps) {}

SendSideBandwidthEstimator::SendSideBandwidthEstimator(uint64_t maxProbeBps)
    : rate_(kMinBps, kMaxBps, ProbeController::kStartBps), probe_(maxProbeBps) {}

void SendSideBandwidthEstimator::onPacketSent(uint16_t sequence, int64_t sendUs, size_t rtpBytes,
                                              uint8_t probeCluster) {
  const bool padding = probeCluster != 0;
  // Media sent while a cluster goes out shares the link with it: the cluster's rates count it too.
  if (!padding) probeCluster = probe_.sendingCluster();
  history_.onSent(sequence, sendUs, rtpBytes + kPacketOverheadBytes, probeCluster);
  if (probeCluster) probe_.onSent(probeCluster, sendUs, rtpBytes + kPacketOverheadBytes, padding);
}

void SendSideBandwidthEstimator::onTick(int64_t nowMs) {
  if (probe_.state() == ProbeController::State::Probing) applyProbes(nowMs);
}

void SendSideBandwidthEstimator::applyProbes(int64_t nowMs) {
  const auto outcome = probe_.update(nowMs * 1000);
  if (!outcome) return;
  if (probe_.state() == ProbeController::State::Done) finalProbe_ = outcome;
  if (outcome->bps > 0) {
    probedBps_ = outcome->bps;
    probedAtMs_ = nowMs;
    rate_.setEstimate(outcome->bps);
    return;
  }
  // Not one probe packet was reported received (a receiver that leaves padding out of its feedback, or no
  // feedback at all): probing says nothing, and the estimator starts as one that cannot probe does, unless
  // the link has said meanwhile that it is slower than the start. Probes reported but lost are the link's
  // answer: the estimate stays, and grows only as the link shows it can take more.
  if (outcome->ignored && rate_.estimate() >= ProbeController::kStartBps) rate_.setEstimate(kMaxBps);
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
      if (sent->probeCluster) probe_.onLost(sent->probeCluster);
      return;
    }
    sent->acknowledged = true;
    if (sent->probeCluster) probe_.onReceived(sent->probeCluster, arrivalUs, sent->size);
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
  const uint64_t carried = carriedBps(acked, nowMs);
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
  // Last: a probe's verdict is a measurement of the link, newer than what the delay or loss concluded.
  if (probe_.state() == ProbeController::State::Probing) applyProbes(nowMs);
}

uint64_t SendSideBandwidthEstimator::carriedBps(uint64_t ackedBps, int64_t nowMs) const {
  // A train above the estimate proves nothing the estimate does not already allow (a jittery path spreads
  // a burst too); below it, it is what the link carried while busy, which a cut must not go under. So is
  // a recent probe's rate: the call has hardly sent anything yet, but the link carried that.
  const uint64_t train = std::min(train_.bps(), rate_.estimate());
  const uint64_t probed = nowMs - probedAtMs_ <= kProbeHoldMs ? probedBps_ : 0;
  return std::max({ackedBps, peakAckedBps_, train, probed});
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
