// The send-side estimator (rtc/bwe) part by part, then whole against a simulated link: a sender that
// follows the estimate, a bottleneck with a drop-tail queue and random loss, and feedback written by our own
// TransportCcFeedbackGenerator, as a browser would write it, and parsed by our parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <utility>
#include <vector>

#include "rtc/bwe/AckedBitrate.h"
#include "rtc/bwe/AimdRateControl.h"
#include "rtc/bwe/InterArrivalGroups.h"
#include "rtc/bwe/PacketTrainRate.h"
#include "rtc/bwe/ProbeCluster.h"
#include "rtc/bwe/ProbeController.h"
#include "rtc/bwe/SendSideBandwidthEstimator.h"
#include "rtc/bwe/SentPacketHistory.h"
#include "rtc/bwe/TrendlineEstimator.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/TransportFeedback.h"
#include "rtc/rtp/TransportCcFeedbackGenerator.h"

namespace rooms::rtc {
namespace {

TEST(BandwidthEstimatorTest, HistoryFindsOnlyWhatWasSentUnderThatNumber) {
  SentPacketHistory h;
  EXPECT_EQ(h.find(7), nullptr);
  h.onSent(7, 1000, 1200);
  ASSERT_NE(h.find(7), nullptr);
  EXPECT_EQ(h.find(7)->sendUs, 1000);
  h.onSent(static_cast<uint16_t>(7 + SentPacketHistory::kCapacity), 2000, 100);  // same slot, newer
  EXPECT_EQ(h.find(7), nullptr);
  EXPECT_EQ(h.find(static_cast<uint16_t>(7 + SentPacketHistory::kCapacity))->size, 100u);
}

TEST(BandwidthEstimatorTest, PacketsOfOneBurstFormOneGroup) {
  InterArrivalGroups g;
  // Frame 1 at 0 ms (three packets), frame 2 at 33 ms, frame 3 at 66 ms, each arriving 2 ms later than
  // the one before it relative to its send time.
  EXPECT_FALSE(g.onPacket(0, 10'000));
  EXPECT_FALSE(g.onPacket(100, 10'500));
  EXPECT_FALSE(g.onPacket(200, 11'000));
  EXPECT_FALSE(g.onPacket(33'000, 45'000));  // second group starts; no previous complete pair yet
  EXPECT_FALSE(g.onPacket(33'100, 45'400));
  auto d = g.onPacket(66'000, 80'000);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->sendDeltaUs, 33'100 - 200);
  EXPECT_EQ(d->arrivalDeltaUs, 45'400 - 11'000);
}

TEST(BandwidthEstimatorTest, TrendlineSeesAGrowingQueueAndItsDraining) {
  TrendlineEstimator steady;
  for (int i = 0; i < 100; ++i) steady.update(33, 33 + (i % 2 ? 1.0 : -1.0), i * 33);
  EXPECT_EQ(steady.state(), BandwidthUsage::Normal);

  TrendlineEstimator growing;
  bool overused = false;
  for (int i = 0; i < 60; ++i) {
    growing.update(33, 36, i * 36);  // each group 3 ms later: a queue building at ~9% over capacity
    overused = overused || growing.state() == BandwidthUsage::Overusing;
  }
  EXPECT_TRUE(overused);

  bool underused = false;
  for (int i = 0; i < 60; ++i) {
    growing.update(33, 29, 60 * 36 + i * 29);
    underused = underused || growing.state() == BandwidthUsage::Underusing;
  }
  EXPECT_TRUE(underused);
}

TEST(BandwidthEstimatorTest, AimdGrowsMultiplicativelyAndCutsToWhatArrived) {
  AimdRateControl aimd(80'000, 10'000'000, 500'000);
  aimd.update(BandwidthUsage::Normal, 500'000, 0, 50);
  for (int t = 100; t <= 1000; t += 100) aimd.update(BandwidthUsage::Normal, 500'000, t, 50);
  EXPECT_NEAR(static_cast<double>(aimd.estimate()), 500'000 * 1.08, 2'000);  // 8% in a second
  aimd.update(BandwidthUsage::Overusing, 400'000, 1100, 50);
  EXPECT_EQ(aimd.estimate(), 340'000u);  // 0.85 x what arrived
  EXPECT_TRUE(aimd.nearCapacity());
  // Near the capacity it found, growth is additive: a packet per response time (here 150 ms), the packet
  // being half a frame at 340 kbit/s and 30 fps.
  aimd.update(BandwidthUsage::Normal, 340'000, 1200, 50);
  aimd.update(BandwidthUsage::Normal, 340'000, 2200, 50);
  EXPECT_NEAR(static_cast<double>(aimd.estimate()), 340'000 + 1.1 * (340'000.0 / 30 / 2) / 0.150,
              1'000);  // 1.1 s since the cut
}

TEST(BandwidthEstimatorTest, AimdCutsOncePerRoundTrip) {
  AimdRateControl aimd(80'000, 10'000'000, 500'000);
  aimd.update(BandwidthUsage::Normal, 450'000, 0, 120);
  aimd.update(BandwidthUsage::Overusing, 400'000, 200, 120);
  EXPECT_EQ(aimd.estimate(), 340'000u);
  // The same queue reported again 60 ms later (a key frame's burst over two feedbacks): no second cut.
  aimd.update(BandwidthUsage::Overusing, 380'000, 260, 120);
  EXPECT_EQ(aimd.estimate(), 340'000u);
  // A round trip after the cut the overuse is still there: that is news, and it cuts again.
  aimd.update(BandwidthUsage::Overusing, 360'000, 320, 120);
  EXPECT_EQ(aimd.estimate(), 306'000u);  // 0.85 x 360k
  // Within the round trip, but what arrives is under half the estimate: cut at once.
  aimd.update(BandwidthUsage::Overusing, 140'000, 340, 120);
  EXPECT_EQ(aimd.estimate(), 119'000u);  // 0.85 x 140k
}

TEST(BandwidthEstimatorTest, AimdDoesNotOutgrowWhatArrives) {
  AimdRateControl aimd(80'000, 10'000'000, 300'000);
  for (int t = 0; t <= 20'000; t += 100) aimd.update(BandwidthUsage::Normal, 200'000, t, 50);
  EXPECT_EQ(aimd.estimate(), 310'000u);  // 1.5 x 200k + 10k
  // But an estimate already above the ceiling is not pulled down by a quiet sender.
  AimdRateControl high(80'000, 10'000'000, 2'000'000);
  for (int t = 0; t <= 2'000; t += 100) high.update(BandwidthUsage::Normal, 100'000, t, 50);
  EXPECT_EQ(high.estimate(), 2'000'000u);
}

TEST(BandwidthEstimatorTest, AckedBitrateIsTheArrivalRateOverHalfASecond) {
  AckedBitrate acked;
  // 1200-byte packets every 10 ms: 960 kbit/s.
  for (int i = 0; i < 40; ++i) acked.onAcked(i * 10'000, 1200);
  EXPECT_EQ(acked.bps(), 0u);  // less than a window seen
  for (int i = 40; i < 200; ++i) acked.onAcked(i * 10'000, 1200);
  EXPECT_NEAR(static_cast<double>(acked.bps()), 960'000, 1);
  acked.onAcked(5'000'000, 1200);  // after a 3 s silence the old buckets are gone
  EXPECT_LT(acked.bps(), 50'000u);
}

// A sender that follows the estimate through a bottleneck link, in 1 ms steps.
class LinkSimulation {
 public:
  struct Link {
    uint64_t capacityBps = 100'000'000;
    int64_t queueLimitUs = 300'000;  // drop-tail: a packet that would wait longer is dropped
    int64_t propagationUs = 20'000;
    double randomLoss = 0;
  };
  // What the publisher's own encoder would send: by default whatever we allow, up to the room page's cap;
  // a browser at the start of a call begins lower, with a key frame, and ramps up on its clean uplink.
  struct Publisher {
    uint64_t startBps = 2'500'000;
    double growthPerSecond = 1.0;
    int64_t keyFrameBytes = 0;
    // A browser's encoder follows a new REMB over a second or two, not at the next frame.
    int64_t followLagMs = 0;
    // Set: the router probes the link first (ProbeController), up to this.
    uint64_t probeCeilingBps = 0;
  };

  explicit LinkSimulation(Link link) : LinkSimulation(link, Publisher{}) {}
  LinkSimulation(Link link, Publisher publisher)
      : link_(link),
        publisher_(publisher),
        ownBps_(static_cast<double>(publisher.startBps)),
        estimator_(publisher.probeCeilingBps ? SendSideBandwidthEstimator(publisher.probeCeilingBps)
                                             : SendSideBandwidthEstimator()) {}
  void setLink(Link link) { link_ = link; }

  void run(int64_t untilMs) {
    for (; nowMs_ < untilMs; ++nowMs_) {
      const int64_t nowUs = nowMs_ * 1000;
      if (estimator_.probeArmed()) estimator_.startProbing(nowUs);
      // The router's pacing timer: every 5 ms.
      if (nowMs_ % 5 == 0) {
        while (const uint8_t cluster = estimator_.probeDue(nowUs)) {
          sendPacket(nowUs, 283, cluster);
          ++probePackets_;
        }
      }
      if (nowMs_ % 33 == 0) sendFrame(nowUs);
      estimator_.onTick(nowMs_);
      while (!inFlight_.empty() && inFlight_.front().arrivalUs <= nowUs) {
        receiver_.onPacket(inFlight_.front().seq, inFlight_.front().arrivalUs);
        inFlight_.pop_front();
      }
      if (receiver_.due(nowMs_)) {
        std::array<uint8_t, 1500> buf{};
        for (int i = 0; i < 4; ++i) {
          const size_t n = receiver_.write(buf, 1, 2, nowMs_);
          if (n == 0) break;
          auto compound = RtcpCompoundPacket::parse(buf.data(), n);
          ASSERT_TRUE(compound);
          auto feedback = TransportFeedback::parse(*compound->begin());
          ASSERT_TRUE(feedback);
          estimator_.onFeedback(*feedback, nowMs_, 2 * link_.propagationUs / 1000);
          if (receiver_.pending() < TransportCcFeedbackGenerator::kEagerPackets) break;
        }
      }
    }
  }

  const SendSideBandwidthEstimator& estimator() const { return estimator_; }
  uint64_t sendingBps() const { return sendingBps_; }
  int64_t lastQueueUs() const { return lastQueueUs_; }
  uint32_t probePackets() const { return probePackets_; }
  uint32_t lostPackets() const { return lost_; }

 private:
  struct InFlight {
    uint16_t seq;
    int64_t arrivalUs;
  };

  void sendFrame(int64_t nowUs) {
    // The publisher's encoder follows our REMB, up to what its own estimator allows.
    ownBps_ = std::min(2'500'000.0, ownBps_ * std::pow(publisher_.growthPerSecond, 0.033));
    const uint64_t told =
        estimator_.active() || !publisher_.probeCeilingBps ? estimator_.estimate() : 2'500'000;
    estimates_.push_back({nowUs, told});
    while (estimates_.size() > 1 && estimates_[1].first <= nowUs - publisher_.followLagMs * 1000) {
      estimates_.pop_front();
    }
    sendingBps_ = std::min<uint64_t>(estimates_.front().second, static_cast<uint64_t>(ownBps_));
    int64_t bytes = static_cast<int64_t>(sendingBps_ / 8 / 30);
    if (nowUs == 0) bytes += publisher_.keyFrameBytes;
    int64_t sendUs = nowUs;
    while (bytes > 0) {
      const int64_t size = std::min<int64_t>(bytes, 1200);
      bytes -= size;
      sendPacket(sendUs, size, 0);
      sendUs += 50;  // the router forwards a frame's packets as they come, a few tens of us apart
    }
  }

  void sendPacket(int64_t sendUs, int64_t size, uint8_t cluster) {
    const uint16_t seq = seq_++;
    estimator_.onPacketSent(seq, sendUs, static_cast<size_t>(size), cluster);
    const int64_t wireBits = (size + 38) * 8;
    const int64_t serviceUs = wireBits * 1'000'000 / static_cast<int64_t>(link_.capacityBps);
    const int64_t start = std::max(sendUs, linkFreeUs_);
    const bool dropped = start - sendUs > link_.queueLimitUs || uniform_(rng_) < link_.randomLoss;
    if (start - sendUs <= link_.queueLimitUs) {
      linkFreeUs_ = start + serviceUs;
      lastQueueUs_ = start - sendUs;
    }
    if (dropped) {
      ++lost_;
    } else {
      inFlight_.push_back({seq, linkFreeUs_ + link_.propagationUs});
    }
  }

  Link link_;
  Publisher publisher_;
  double ownBps_;
  SendSideBandwidthEstimator estimator_;
  TransportCcFeedbackGenerator receiver_;
  std::deque<InFlight> inFlight_;
  std::deque<std::pair<int64_t, uint64_t>> estimates_;  // (when, estimate) over the publisher's lag
  std::mt19937 rng_{7};
  std::uniform_real_distribution<double> uniform_{0, 1};
  int64_t nowMs_ = 0;
  int64_t linkFreeUs_ = 0;
  int64_t lastQueueUs_ = 0;
  uint64_t sendingBps_ = 0;
  uint16_t seq_ = 0;
  uint32_t probePackets_ = 0;
  uint32_t lost_ = 0;
};

TEST(BandwidthEstimatorTest, ACleanFastLinkIsNotLimited) {
  LinkSimulation sim({});
  sim.run(20'000);
  EXPECT_TRUE(sim.estimator().active());
  EXPECT_GE(sim.estimator().estimate(), 2'500'000u);
}

TEST(BandwidthEstimatorTest, RandomLossAloneIsNotCongestion) {
  LinkSimulation sim({.randomLoss = 0.05});
  sim.run(20'000);
  EXPECT_NEAR(sim.estimator().lossRatio(), 0.05, 0.04);
  EXPECT_GE(sim.estimator().estimate(), 2'500'000u);
}

TEST(BandwidthEstimatorTest, LossThatSendingLessDoesNotCureIsTheLinks) {
  // 30% whatever the rate: one cut, then the loss is taken as the link's and the rate comes back.
  LinkSimulation sim({.randomLoss = 0.30});
  sim.run(3'000);
  EXPECT_LT(sim.estimator().estimate(), 2'500'000u);
  sim.run(20'000);
  EXPECT_NEAR(sim.estimator().inherentLoss(), 0.30, 0.06);
  EXPECT_GT(sim.estimator().estimate(), 1'400'000u);
}

TEST(BandwidthEstimatorTest, LossFromAPolicerLowersTheRate) {
  // A policer drops what exceeds 800 kbit/s with almost no queue, so there is no delay to see: the loss is
  // the only signal, and it goes away when the rate comes down.
  LinkSimulation sim({.capacityBps = 800'000, .queueLimitUs = 3'000});
  sim.run(20'000);
  EXPECT_LT(sim.estimator().estimate(), 1'200'000u);
  EXPECT_LT(sim.estimator().inherentLoss(), 0.05);
}

TEST(BandwidthEstimatorTest, SettlesBelowACappedLinkWithAShortQueue) {
  LinkSimulation sim({.capacityBps = 600'000});
  sim.run(30'000);
  const uint64_t estimate = sim.estimator().estimate();
  EXPECT_GT(estimate, 350'000u);
  EXPECT_LT(estimate, 720'000u);
  // What the sender puts through over the last seconds keeps the queue short.
  int64_t worstQueueUs = 0;
  for (int step = 0; step < 50; ++step) {
    sim.run(30'000 + (step + 1) * 100);
    worstQueueUs = std::max(worstQueueUs, sim.lastQueueUs());
  }
  EXPECT_LT(worstQueueUs, 250'000);
}

TEST(BandwidthEstimatorTest, PacketTrainIsTheRateABurstLeftTheBottleneckAt) {
  PacketTrainRate train;
  // Ten 1200-byte packets sent 10 us apart leave a 480 kbit/s bottleneck 20 ms apart.
  for (int i = 0; i < 10; ++i) train.onPacket(i * 10, 50'000 + i * 20'000, 1200);
  EXPECT_EQ(train.bps(), 480'000u);  // the train still arriving already counts
  // The next frame, 50 ms later, ends it; a train through a fast link (arriving as sent) says nothing.
  for (int i = 0; i < 10; ++i) train.onPacket(50'000 + i * 10, 300'000 + i * 15, 1200);
  EXPECT_EQ(train.bps(), 480'000u);
  // Too short to count: a jitter spike spreading three packets.
  PacketTrainRate shortTrain;
  for (int i = 0; i < 3; ++i) shortTrain.onPacket(i * 10, i * 30'000, 1200);
  EXPECT_EQ(shortTrain.bps(), 0u);
  // Two seconds after the last train its figure is stale.
  for (int i = 0; i < 10; ++i) train.onPacket(3'000'000 + i * 10, 3'000'000 + i * 15, 1200);
  EXPECT_EQ(train.bps(), 0u);
}

TEST(BandwidthEstimatorTest, AKeyFrameIntoAQuietSlowLinkDoesNotCollapseTheEstimate) {
  // A call's start on a 300 kbit/s downlink with a 10 kB queue: the publisher begins at 300 kbit/s with a
  // 30 kB key frame and ramps up on its clean uplink. The key frame's burst is the first congestion, while
  // half a second of acknowledged traffic is still a fraction of the link; the cut must land near the link,
  // not at the floor (the publisher then encodes at tens of kbit/s for seconds, which is a freeze).
  LinkSimulation sim({.capacityBps = 300'000, .queueLimitUs = 267'000},
                     {.startBps = 300'000, .growthPerSecond = 2.0, .keyFrameBytes = 30'000});
  uint64_t lowest = SendSideBandwidthEstimator::kMaxBps;
  for (int step = 1; step <= 40; ++step) {
    sim.run(step * 100);
    if (step >= 10) lowest = std::min(lowest, sim.estimator().estimate());
  }
  EXPECT_GT(lowest, 180'000u);
  EXPECT_LT(sim.estimator().estimate(), 400'000u);
}

TEST(BandwidthEstimatorTest, OverloadAPublisherIsSlowToShedIsNotTakenForTheLinksLoss) {
  // 400 kbit/s into a 300 kbit/s link with a full drop-tail queue: a quarter is lost, and the delay,
  // pegged at the queue's length, stops rising. The publisher follows a cut 1.5 s late. Loss that stays
  // while we still send as much must not be booked as the link's own: that left the estimate above the
  // link and the call losing a fifth of its packets for seconds (bench-quality cap300k at the start).
  LinkSimulation sim({.capacityBps = 300'000, .queueLimitUs = 267'000},
                     {.startBps = 400'000, .growthPerSecond = 1.0, .keyFrameBytes = 0, .followLagMs = 1'500});
  sim.run(15'000);
  EXPECT_LT(sim.estimator().inherentLoss(), 0.05);  // 0.17 when what arrived decided it
  EXPECT_LT(sim.estimator().estimate(), 400'000u);
}

// Probing (ProbeController): the start of a call on a slow link and on a fast one.
TEST(BandwidthEstimatorTest, ProbesFindASlowLinkBeforeThePublisherOverrunsIt) {
  // bench-quality cap300k's downlink: 300 kbit/s, a 10 kB queue, a publisher on a clean uplink that ramps
  // up fast. Without probing the estimate stays "unlimited" until the queue overflows, and the first
  // seconds lose packets; with it, the link is known within a few hundred milliseconds and nothing
  // overflows while the call starts. (The key frame at the start is the pacer's to spread: RouterTest.)
  const LinkSimulation::Link link{.capacityBps = 300'000, .queueLimitUs = 267'000};
  LinkSimulation::Publisher publisher{.startBps = 300'000, .growthPerSecond = 2.0};
  LinkSimulation unprobed(link, publisher);
  unprobed.run(3'000);
  EXPECT_GT(unprobed.lostPackets(), 10u);

  publisher.probeCeilingBps = 2'600'000;
  LinkSimulation sim(link, publisher);
  sim.run(600);
  EXPECT_TRUE(sim.estimator().active());
  EXPECT_EQ(sim.estimator().probeState(), ProbeController::State::Done);
  EXPECT_GT(sim.estimator().estimate(), 220'000u);
  EXPECT_LT(sim.estimator().estimate(), 330'000u);
  EXPECT_GE(sim.probePackets(), ProbeController::kMinPackets);
  sim.run(3'000);
  EXPECT_EQ(sim.lostPackets(), 0u);
  EXPECT_LT(sim.estimator().estimate(), 330'000u);
}

TEST(BandwidthEstimatorTest, ProbesClimbAFastLinkToTheCeiling) {
  LinkSimulation sim({}, {.startBps = 300'000, .growthPerSecond = 2.0, .probeCeilingBps = 2'600'000});
  sim.run(1'000);
  EXPECT_TRUE(sim.estimator().active());
  EXPECT_EQ(sim.estimator().probeState(), ProbeController::State::Done);
  EXPECT_GT(sim.estimator().estimate(), 2'000'000u);
  EXPECT_LT(sim.probePackets(), 80u);  // a few clusters of padding, not a stream
}

TEST(BandwidthEstimatorTest, ProbesFindAMidRangeLink) {
  LinkSimulation sim({.capacityBps = 1'200'000, .queueLimitUs = 100'000},
                     {.startBps = 300'000, .growthPerSecond = 2.0, .probeCeilingBps = 2'600'000});
  sim.run(1'000);
  EXPECT_TRUE(sim.estimator().active());
  EXPECT_GT(sim.estimator().estimate(), 900'000u);
  EXPECT_LT(sim.estimator().estimate(), 1'250'000u);
}

TEST(BandwidthEstimatorTest, ProbesNobodyReportsLeaveTheOldStart) {
  // A receiver that drops padding before its estimator: no cluster can be read, and after the report
  // timeout the estimator starts as one that cannot probe does, unlimited until congestion.
  SendSideBandwidthEstimator estimator(2'600'000);
  estimator.startProbing(0);
  uint16_t seq = 0;
  for (int64_t us = 0; us < 100'000; us += 5'000) {
    while (const uint8_t cluster = estimator.probeDue(us)) estimator.onPacketSent(seq++, us, 283, cluster);
  }
  EXPECT_FALSE(estimator.probeSending());
  EXPECT_EQ(estimator.estimate(), ProbeController::kStartBps);
  estimator.onTick(900);
  EXPECT_EQ(estimator.probeState(), ProbeController::State::Probing);
  estimator.onTick(1'200);
  EXPECT_EQ(estimator.probeState(), ProbeController::State::Done);
  EXPECT_EQ(estimator.estimate(), SendSideBandwidthEstimator::kMaxBps);
}

TEST(BandwidthEstimatorTest, ProbeClusterReadsTheLinksRateOrItsOwn) {
  // Ten 320-byte packets sent 1.5 ms apart (about 1.7 Mbit/s) through a 600 kbit/s bottleneck arrive
  // 4.3 ms apart: saturated, and the estimate goes a little under what arrived.
  ProbeCluster slow(1, 1'800'000);
  for (int i = 0; i < 10; ++i) slow.onSent(i * 1'500, 320);
  EXPECT_FALSE(slow.reported());
  for (int i = 0; i < 10; ++i) slow.onReceived(40'000 + i * 4'267, 320);
  ASSERT_TRUE(slow.reported());
  auto result = slow.result();
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->saturated);
  EXPECT_NEAR(static_cast<double>(result->bps), 0.95 * 600'000, 10'000);
  // Through a fast link they arrive as sent: the cluster's own rate, not saturated.
  ProbeCluster fast(2, 1'800'000);
  for (int i = 0; i < 10; ++i) fast.onSent(i * 1'500, 320);
  for (int i = 0; i < 10; ++i) fast.onReceived(40'000 + i * 1'500 + (i % 2) * 100, 320);
  result = fast.result();
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->saturated);
  EXPECT_NEAR(static_cast<double>(result->bps), 9 * 320 * 8e6 / 13'500, 20'000);
  // Most of it lost: nothing to read.
  ProbeCluster lossy(3, 1'800'000);
  for (int i = 0; i < 10; ++i) lossy.onSent(i * 1'500, 320);
  for (int i = 0; i < 10; ++i) {
    if (i < 6) {
      lossy.onReceived(40'000 + i * 1'500, 320);
    } else {
      lossy.onLost();
    }
  }
  EXPECT_TRUE(lossy.reported());
  EXPECT_FALSE(lossy.result());
}

TEST(BandwidthEstimatorTest, ProbeControllerSpreadsEachClusterAndGoesHigherWhileTheLinkKeepsUp) {
  ProbeController probe(10'000'000);
  EXPECT_EQ(probe.state(), ProbeController::State::Armed);
  probe.start(0);
  // The router's pacing timer calls every 5 ms; each call sends what is due.
  const auto sendUntil = [&](int64_t fromUs, int64_t toUs) {
    std::vector<std::pair<int64_t, uint8_t>> sent;
    for (int64_t us = fromUs; us <= toUs; us += 5'000) {
      while (const uint8_t c = probe.due(us)) {
        sent.emplace_back(us, c);
        probe.onSent(c, us, ProbeController::kPacketBytes, true);
      }
    }
    return sent;
  };
  // The first cluster: 3 x 300 kbit/s for 15 ms (1,688 bytes), its first packet at once, the rest as time
  // allows; nothing more until its feedback is in.
  const auto first = sendUntil(0, 100'000);
  ASSERT_EQ(first.size(), 6u);
  EXPECT_EQ(first.front(), std::make_pair(int64_t{0}, uint8_t{1}));
  EXPECT_EQ(std::count_if(first.begin(), first.end(), [](const auto& p) { return p.first == 0; }), 1);
  EXPECT_EQ(first.back().first, 15'000);
  EXPECT_FALSE(probe.sending());
  EXPECT_FALSE(probe.update(100'000));  // not reported yet
  // It arrives as sent (a fast link): the next goes at three times its result.
  for (const auto& [us, c] : first) probe.onReceived(c, 50'000 + us, ProbeController::kPacketBytes);
  auto outcome = probe.update(100'000);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->atCapacity);
  EXPECT_NEAR(static_cast<double>(outcome->bps), 5 * 320 * 8e6 / 15'000, 1'000);
  EXPECT_EQ(probe.state(), ProbeController::State::Probing);
  EXPECT_TRUE(probe.sending());
  // That one, about 2.6 Mbit/s, saturates a 2 Mbit/s link: done, at capacity.
  const auto second = sendUntil(100'000, 200'000);
  ASSERT_GE(second.size(), 14u);
  for (const auto& [us, c] : second) EXPECT_EQ(c, 2);
  for (size_t i = 0; i < second.size(); ++i) {
    probe.onReceived(2, 220'000 + static_cast<int64_t>(i) * ProbeController::kPacketBytes * 8 / 2,
                     ProbeController::kPacketBytes);
  }
  outcome = probe.update(250'000);
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->atCapacity);
  EXPECT_NEAR(static_cast<double>(outcome->bps), 0.95 * 2'000'000, 60'000);
  EXPECT_EQ(probe.state(), ProbeController::State::Done);
  EXPECT_FALSE(probe.sending());
}

TEST(BandwidthEstimatorTest, FollowsACapacityDrop) {
  LinkSimulation sim({.capacityBps = 2'000'000});
  sim.run(10'000);
  EXPECT_GT(sim.estimator().estimate(), 1'200'000u);
  sim.setLink({.capacityBps = 500'000});
  sim.run(13'000);
  EXPECT_LT(sim.estimator().estimate(), 600'000u);
}

}  // namespace
}  // namespace rooms::rtc
