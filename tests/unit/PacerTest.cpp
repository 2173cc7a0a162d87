#include "rtc/bwe/Pacer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace rooms::rtc {
namespace {

constexpr int64_t kMs = 1000;

Pacer::Entry media(uint16_t seq, uint16_t size = 1200) {
  return {0x1234, seq, size};
}

// Drains the pacer 1 ms at a time from startUs until it is empty or untilUs; the send time of each entry.
std::vector<std::pair<int64_t, Pacer::Due>> drain(Pacer& pacer, int64_t startUs, int64_t untilUs) {
  std::vector<std::pair<int64_t, Pacer::Due>> out;
  for (int64_t t = startUs; t <= untilUs && !pacer.empty(); t += kMs) {
    while (auto due = pacer.next(t)) out.emplace_back(t, *due);
  }
  return out;
}

TEST(PacerTest, WithoutAnEstimateNothingWaits) {
  Pacer pacer;
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(pacer.trySend(1200, 0));
  ASSERT_TRUE(pacer.enqueue(media(1), 0));
  EXPECT_TRUE(pacer.next(0).has_value());
  EXPECT_TRUE(pacer.empty());
}

TEST(PacerTest, BurstLeavesAtThePacingRateInOrder) {
  Pacer pacer;
  pacer.setEstimate(960'000);  // paced at 1.2 Mbit/s: 150 bytes per millisecond
  EXPECT_EQ(pacer.pacingBps(), 1'200'000u);
  int64_t now = 1000 * kMs;
  uint16_t seq = 0;
  // A key frame of 30 packets arrives at once: the burst allowance lets the first through, the rest wait.
  int sentNow = 0;
  for (; seq < 30; ++seq) {
    if (pacer.trySend(1200, now)) {
      ++sentNow;
    } else {
      ASSERT_TRUE(pacer.enqueue(media(seq), now));
    }
  }
  EXPECT_LE(sentNow, 2);
  EXPECT_EQ(pacer.queuedBytes(), static_cast<size_t>(30 - sentNow) * 1200);
  const auto out = drain(pacer, now, now + 1000 * kMs);
  ASSERT_EQ(out.size(), static_cast<size_t>(30 - sentNow));
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].second.entry.seq, sentNow + i);
    EXPECT_FALSE(out[i].second.retransmission);
    // Never ahead of the rate by more than the burst allowance and one packet.
    const double allowed = 1500 + 150.0 * static_cast<double>(out[i].first - now) / kMs + 1200;
    EXPECT_LE(static_cast<double>((i + 1 + sentNow) * 1200), allowed + 1200) << i;
  }
  // 36 kB at 150 bytes/ms: about 240 ms, not all at once.
  EXPECT_GT(out.back().first - now, 200 * kMs);
  EXPECT_LT(out.back().first - now, 250 * kMs);
}

TEST(PacerTest, RetransmissionsGoFirstInTheirOwnOrder) {
  Pacer pacer;
  pacer.setEstimate(100'000);
  const int64_t now = 5 * kMs;
  while (pacer.trySend(1200, now)) {
  }
  ASSERT_TRUE(pacer.enqueue(media(10), now));
  ASSERT_TRUE(pacer.enqueue(media(11), now));
  ASSERT_TRUE(pacer.enqueueRetransmission(media(3), now));
  ASSERT_TRUE(pacer.enqueueRetransmission(media(4), now));
  const auto out = drain(pacer, now, now + 300 * kMs);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out[0].second.retransmission);
  EXPECT_EQ(out[0].second.entry.seq, 3);
  EXPECT_EQ(out[1].second.entry.seq, 4);
  EXPECT_FALSE(out[2].second.retransmission);
  EXPECT_EQ(out[2].second.entry.seq, 10);
  EXPECT_EQ(out[3].second.entry.seq, 11);
}

TEST(PacerTest, MediaWaitsWhileThereIsAQueue) {
  Pacer pacer;
  pacer.setEstimate(1'000'000);
  const int64_t now = 0;
  while (pacer.trySend(1200, now)) {
  }
  ASSERT_TRUE(pacer.enqueue(media(1), now));
  // Much later the budget is back, but a packet still queued goes before any new one.
  EXPECT_FALSE(pacer.trySend(1200, now + 500 * kMs));
  ASSERT_TRUE(pacer.next(now + 500 * kMs).has_value());
  EXPECT_TRUE(pacer.trySend(1200, now + 500 * kMs));
}

TEST(PacerTest, AudioTakesBudgetAndDelaysVideo) {
  Pacer quiet;
  Pacer talking;
  quiet.setEstimate(480'000);  // 75 bytes per millisecond
  talking.setEstimate(480'000);
  int64_t now = 0;
  for (Pacer* p : {&quiet, &talking}) {
    while (p->trySend(1200, now)) {
    }
    for (uint16_t s = 0; s < 20; ++s) ASSERT_TRUE(p->enqueue(media(s), now));
  }
  int64_t quietDone = -1;
  int64_t talkingDone = -1;
  for (; now < 1000 * kMs && (quietDone < 0 || talkingDone < 0); now += kMs) {
    if (now % (20 * kMs) == 0) talking.onSentUnpaced(150, now);  // Opus every 20 ms
    while (quiet.next(now)) {
    }
    while (talking.next(now)) {
    }
    if (quietDone < 0 && quiet.empty()) quietDone = now;
    if (talkingDone < 0 && talking.empty()) talkingDone = now;
  }
  ASSERT_GT(quietDone, 0);
  EXPECT_GT(talkingDone, quietDone);
}

TEST(PacerTest, NoEntryWaitsMuchPastTheQueueBound) {
  Pacer pacer;
  pacer.setEstimate(80'000);  // 12.5 bytes per millisecond: 120 kB would take almost 10 s
  const int64_t now = 0;
  while (pacer.trySend(1200, now)) {
  }
  for (uint16_t s = 0; s < 100; ++s) ASSERT_TRUE(pacer.enqueue(media(s), now));
  const auto out = drain(pacer, now, now + 2000 * kMs);
  ASSERT_EQ(out.size(), 100u);
  EXPECT_LE(out.back().first - now, Pacer::kMaxQueueUs + 10 * kMs);
  // Spread over that time, not sent at once at its end.
  EXPECT_LT(out[50].first - now, Pacer::kMaxQueueUs);
  EXPECT_GT(out[50].first - now, 50 * kMs);
}

// A bottleneck of 600 kbit/s (75 bytes per millisecond) with a drop-tail queue of 10 kB, as in
// make bench-quality's cap600k profile: how many packets of a 30 kB key frame it drops.
int dropsOfKeyFrame(bool paced) {
  Pacer pacer;
  if (paced) pacer.setEstimate(550'000);  // what the estimator settles at below such a link
  double backlog = 0;
  int drops = 0;
  const auto arrive = [&](size_t size) {
    if (backlog + static_cast<double>(size) > 10'000) {
      ++drops;
    } else {
      backlog += static_cast<double>(size);
    }
  };
  int64_t now = 0;
  for (uint16_t s = 0; s < 25; ++s) {
    if (pacer.trySend(1200, now)) {
      arrive(1200);
    } else {
      EXPECT_TRUE(pacer.enqueue(media(s), now));
    }
  }
  for (; now < 1000 * kMs; now += kMs) {
    backlog = std::max(0.0, backlog - 75.0);
    while (auto due = pacer.next(now)) arrive(due->entry.size);
  }
  return drops;
}

TEST(PacerTest, KeyFrameFitsThroughACappedLinkOnlyWhenPaced) {
  EXPECT_GT(dropsOfKeyFrame(false), 10);
  EXPECT_EQ(dropsOfKeyFrame(true), 0);
}

TEST(PacerTest, SteadyStreamAboveAFreshlyLoweredEstimateIsNotHeldBack) {
  Pacer pacer;
  pacer.setEstimate(1'000'000);
  // 400 kbit/s as an encoder sends it: 20 frames a second of 2500 bytes in packets of 1250.
  uint16_t seq = 0;
  int64_t worstWaitUs = 0;
  std::vector<int64_t> queuedAt(65536, 0);
  for (int64_t now = 0; now < 4000 * kMs; now += kMs) {
    if (now == 1500 * kMs) pacer.setEstimate(200'000);  // a delay-based drop, below what flows
    if (now % (50 * kMs) == 0) {
      for (int k = 0; k < 2; ++k, ++seq) {
        if (!pacer.trySend(1250, now)) {
          ASSERT_TRUE(pacer.enqueue(media(seq, 1250), now));
          queuedAt[seq] = now;
        }
      }
    }
    while (auto due = pacer.next(now)) {
      if (now > 2500 * kMs) worstWaitUs = std::max(worstWaitUs, now - queuedAt[due->entry.seq]);
    }
  }
  // Paced at 1.25 x 200 kbit/s alone, the backlog would grow to the 400 ms bound; a frame is 50 ms.
  EXPECT_LT(worstWaitUs, 50 * kMs);
  EXPECT_NEAR(static_cast<double>(pacer.offeredBps()), 400'000, 20'000);
}

TEST(PacerTest, FullQueueRefuses) {
  Pacer pacer;
  pacer.setEstimate(80'000);
  while (pacer.trySend(1200, 0)) {
  }
  for (size_t i = 0; i < Pacer::kMediaCapacity; ++i)
    ASSERT_TRUE(pacer.enqueue(media(static_cast<uint16_t>(i)), 0));
  EXPECT_FALSE(pacer.enqueue(media(9999), 0));
  for (size_t i = 0; i < Pacer::kRetransmissionCapacity; ++i)
    ASSERT_TRUE(pacer.enqueueRetransmission(media(static_cast<uint16_t>(i)), 0));
  EXPECT_FALSE(pacer.enqueueRetransmission(media(9999), 0));
  EXPECT_EQ(pacer.size(), Pacer::kMediaCapacity + Pacer::kRetransmissionCapacity);
}

}  // namespace
}  // namespace rooms::rtc
