#pragma once
// What the router may send one subscriber: a send-side estimate of the router-to-subscriber link from the
// subscriber's transport-cc feedback (the GoogCC split: a delay-based part, InterArrivalGroups ->
// TrendlineEstimator -> AimdRateControl, cut by a loss-based limit). The router tells each publisher the
// lowest share of its subscribers' estimates (REMB), so the publisher's encoder fits the slowest downlink.
//
// Loss alone is not read as congestion below kHighLoss: on the links this is for (wi-fi, mobile) random loss
// is common, NACK/RTX repairs it, and a queue that overflows shows as delay first. Above it the rate is cut;
// if in the next loss window, at the lower rate, the loss stays (at least kSameLoss of it), it was the
// link's, not our rate's, and becomes the link's inherent loss: only loss kLossMargin above that cuts again.
// Until the first congestion the estimate is "unlimited" (kMaxBps): the publisher's own estimator ramps up,
// with probing, and this one only caps it where the downlink says so. Media thread only; nothing allocates.
#include <cstddef>
#include <cstdint>

#include "rtc/bwe/AckedBitrate.h"
#include "rtc/bwe/AimdRateControl.h"
#include "rtc/bwe/InterArrivalGroups.h"
#include "rtc/bwe/SentPacketHistory.h"
#include "rtc/bwe/TrendlineEstimator.h"

namespace rooms::rtc {

class TransportFeedback;

class SendSideBandwidthEstimator {
 public:
  static constexpr uint64_t kMinBps = 80'000;
  static constexpr uint64_t kMaxBps = 20'000'000;
  // IPv4 + UDP (28) and the SRTP tag (10) on top of the RTP packet: the link carries those too.
  static constexpr size_t kPacketOverheadBytes = 38;
  static constexpr double kHighLoss = 0.15;
  // Loss is judged over at least a second and 200 packets: over fewer, 10% random loss reads as 15% often
  // enough that repeated cuts ratchet a lossy but roomy link down to the floor.
  static constexpr int64_t kLossIntervalMs = 1000;
  static constexpr uint32_t kMinLossSamples = 200;
  static constexpr double kLossMargin = 0.05;
  static constexpr double kSameLoss = 0.8;
  // A drop this large goes to the publisher at once instead of with the next periodic report.
  static constexpr double kAnnounceDrop = 0.97;

  SendSideBandwidthEstimator();

  void onPacketSent(uint16_t sequence, int64_t sendUs, size_t rtpBytes);
  // One transport-cc feedback from the subscriber; rttMs <= 0 when unknown.
  void onFeedback(const TransportFeedback& feedback, int64_t nowMs, int64_t rttMs);

  // Bits per second for everything we send this subscriber.
  uint64_t estimate() const { return rate_.estimate(); }
  // Whether any feedback has been seen: until then the subscriber's own REMB, if any, is what we have.
  bool active() const { return active_; }
  double lossRatio() const { return loss_; }
  // Whether the last window's loss looks like the link's own (wi-fi, radio) rather than a queue we overflow:
  // below the congestion threshold, with the delay trend not rising. Spending more bandwidth on repair
  // helps only the first; into an overflowing queue it is lost again and pushes out media with it.
  bool lossLooksRandom() const { return loss_ < kHighLoss && trendline_.state() != BandwidthUsage::Overusing; }
  double inherentLoss() const { return inherentLoss_; }
  uint64_t ackedBps() const { return acked_.bps(); }

  // The estimate fell notably since it was last announced to the publishers.
  bool dropped() const {
    return static_cast<double>(estimate()) < kAnnounceDrop * static_cast<double>(announced_);
  }
  void markAnnounced() { announced_ = estimate(); }

 private:
  SentPacketHistory history_;
  InterArrivalGroups groups_;
  TrendlineEstimator trendline_;
  AckedBitrate acked_;
  AimdRateControl rate_;
  bool active_ = false;
  uint64_t announced_ = kMaxBps;
  uint32_t lossReceived_ = 0;
  uint32_t lossLost_ = 0;
  int64_t lossSinceMs_ = -1;
  double loss_ = 0;
  double inherentLoss_ = 0;
  bool watchingCut_ = false;
  double lossAtCut_ = 0;
  uint64_t ackedAtCut_ = 0;

  void onLossWindow(uint64_t ackedBps);
};

}  // namespace rooms::rtc
