#pragma once
// What the router may send one subscriber: a send-side estimate of the router-to-subscriber link from the
// subscriber's transport-cc feedback (the GoogCC split: a delay-based part, InterArrivalGroups ->
// TrendlineEstimator -> AimdRateControl, cut by a loss-based limit). The router tells each publisher the
// lowest share of its subscribers' estimates (REMB), so the publisher's encoder fits the slowest downlink.
//
// Loss alone is not read as congestion below kHighLoss: on the links this is for (wi-fi, mobile) random loss
// is common, NACK/RTX repairs it, and a queue that overflows shows as delay first. Above it the rate is cut;
// if once we send less (kSentLess), the loss stays (at least kSameLoss of it), it was the link's, not our
// rate's, and becomes the link's inherent loss: only loss kLossMargin above that cuts again.
// A subscriber we can probe (ProbeController: padding on an RTX stream, read back through transport-cc)
// starts at ProbeController::kStartBps, and the probes' result becomes the estimate. One we cannot probe
// keeps the old start: "unlimited" (kMaxBps) until the first congestion, the publisher's own estimator
// ramping up with its probing and this one only capping it where the downlink says so. Cuts go from what the
// link is known to carry: the acknowledged rate, or a burst's train rate (PacketTrainRate) when that is
// higher. The first congestion of a call is typically a key frame sent on into a slow, still quiet link; half
// a second of acknowledged traffic then is a fraction of the link, and a cut from it left the publisher
// encoding at 30 kbit/s for seconds (bench-quality cap300k, warm-up 0). Media thread only; nothing allocates.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "rtc/bwe/AckedBitrate.h"
#include "rtc/bwe/AimdRateControl.h"
#include "rtc/bwe/InterArrivalGroups.h"
#include "rtc/bwe/PacketTrainRate.h"
#include "rtc/bwe/ProbeController.h"
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
  // "Sending less" after a cut: at most this share of what we sent in the window that made it, within this
  // many windows.
  static constexpr double kSentLess = 0.9;
  static constexpr uint32_t kMaxWindowsWatched = 3;
  // A drop this large goes to the publisher at once instead of with the next periodic report.
  static constexpr double kAnnounceDrop = 0.97;
  static constexpr double kAnnounceRise = 1.5;
  // How long an acknowledged rate counts as what the link carries (a capacity that really fell shows in
  // the next window's figure; the publisher takes about this long to follow a cut).
  static constexpr int64_t kPeakHoldMs = 1'000;
  // How long a probe's rate counts as what the link carries. Longer: the probe measured the link itself,
  // while the call's own traffic is still ramping up. With the acknowledged rate alone, the cuts that the
  // probe's and the first key frame's queue cause in the next seconds compounded (300 kbit/s link: 272,
  // 218, then 185 kbit/s within 1.2 s, and the publisher's encoder starved at 60 kbit/s for 5 s).
  static constexpr int64_t kProbeHoldMs = 5'000;

  // Without probing: unlimited until the first congestion.
  SendSideBandwidthEstimator();
  // Probing up to maxProbeBps (what the subscriber could ever be sent) once startProbing() is called.
  explicit SendSideBandwidthEstimator(uint64_t maxProbeBps);

  // probeCluster: the ProbeController cluster a padding packet belongs to (probeDue()), 0 for media (which
  // joins the cluster being sent, if any).
  void onPacketSent(uint16_t sequence, int64_t sendUs, size_t rtpBytes, uint8_t probeCluster = 0);
  // One transport-cc feedback from the subscriber; rttMs <= 0 when unknown.
  void onFeedback(const TransportFeedback& feedback, int64_t nowMs, int64_t rttMs);

  // Probing (ProbeController): started once the transport is up; probeDue() names the cluster a padding
  // packet is due for now (0: none), probeSending() says whether more will be. onTick() judges clusters
  // whose feedback never came.
  bool probeArmed() const { return probe_.state() == ProbeController::State::Armed; }
  void startProbing(int64_t nowUs) { probe_.start(nowUs); }
  uint8_t probeDue(int64_t nowUs) { return probe_.due(nowUs); }
  bool probeSending() const { return probe_.sending(); }
  ProbeController::State probeState() const { return probe_.state(); }
  bool probeInProgress() const { return probe_.inProgress(); }
  // The probes' final outcome, once, right after probing ended (for the router's debug log).
  std::optional<ProbeController::Outcome> takeProbeOutcome() {
    return std::exchange(finalProbe_, std::nullopt);
  }
  void onTick(int64_t nowMs);

  // Bits per second for everything we send this subscriber.
  uint64_t estimate() const { return rate_.estimate(); }
  // Whether any feedback has been seen: until then the subscriber's own REMB, if any, is what publishers
  // are told. While the start-up probes run, the estimate is the start (kStartBps), as a direct call's
  // sender starts: a publisher that ramped up meanwhile would fill the slow link's queue before the probes
  // could say so, and the queue takes seconds to drain at an estimate just under the link.
  bool active() const { return active_; }
  double lossRatio() const { return loss_; }
  // Whether the last window's loss looks like the link's own (wi-fi, radio) rather than a queue we overflow:
  // below the congestion threshold, with the delay trend not rising. Spending more bandwidth on repair
  // helps only the first; into an overflowing queue it is lost again and pushes out media with it.
  bool lossLooksRandom() const {
    return loss_ < kHighLoss && trendline_.state() != BandwidthUsage::Overusing;
  }
  double inherentLoss() const { return inherentLoss_; }
  uint64_t ackedBps() const { return acked_.bps(); }
  // The bottleneck's rate from the last burst it spread out (PacketTrainRate), 0 when none is recent.
  uint64_t trainBps() const { return train_.bps(); }

  // The estimate fell notably since it was last announced to the publishers.
  bool dropped() const {
    return static_cast<double>(estimate()) < kAnnounceDrop * static_cast<double>(announced_);
  }
  // The estimate rose by a probe's step since it was last announced (the delay-based growth never does
  // within a report interval).
  bool raised() const {
    return static_cast<double>(estimate()) > kAnnounceRise * static_cast<double>(announced_);
  }
  void markAnnounced() { announced_ = estimate(); }

 private:
  SentPacketHistory history_;
  InterArrivalGroups groups_;
  TrendlineEstimator trendline_;
  AckedBitrate acked_;
  PacketTrainRate train_;
  uint64_t peakAckedBps_ = 0;
  int64_t peakAckedAtMs_ = 0;
  AimdRateControl rate_;
  ProbeController probe_;
  // What the probes measured (their clusters arrived at this rate, so the link carries it), and when.
  uint64_t probedBps_ = 0;
  int64_t probedAtMs_ = 0;
  std::optional<ProbeController::Outcome> finalProbe_;
  bool active_ = false;
  uint64_t announced_ = kMaxBps;
  uint32_t lossReceived_ = 0;
  uint32_t lossLost_ = 0;
  uint64_t lossSentBytes_ = 0;
  int64_t lossSinceMs_ = -1;
  double loss_ = 0;
  double inherentLoss_ = 0;
  bool watchingCut_ = false;
  // Until then the estimate does not grow: the last loss window said congestion (a second's worth).
  int64_t lossHoldUntilMs_ = 0;
  uint32_t windowsWatched_ = 0;
  double lossAtCut_ = 0;
  uint64_t sentAtCut_ = 0;

  // What the link is known to carry: the highest acknowledged rate of the last kPeakHoldMs, or a recent
  // train's when higher (a burst in a quiet half second). Cuts go from this: the acknowledged rate alone
  // falls as soon as the publisher follows the first cut, and each further cut the queue's tail triggers
  // while it drains went lower (300 kbit/s link: 243, 214, 203, then 121 kbit/s within half a second).
  uint64_t carriedBps(uint64_t ackedBps, int64_t nowMs) const;
  void applyProbes(int64_t nowMs);
  void onLossWindow(uint64_t carriedBps, uint64_t sentBps, int64_t nowMs);
};

}  // namespace rooms::rtc
