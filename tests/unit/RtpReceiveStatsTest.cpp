#include "rtc/rtp/RtpReceiveStats.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {
namespace {

constexpr uint32_t kOpusRate = 48000;

TEST(RtpReceiveStatsTest, EmptyStatsGiveAnEmptyBlock) {
  RtpReceiveStats stats(kOpusRate);
  const ReportBlock block = stats.reportBlock(42, 0);
  EXPECT_EQ(block.ssrc, 42u);
  EXPECT_EQ(block.fractionLost, 0);
  EXPECT_EQ(block.cumulativeLost, 0);
  EXPECT_EQ(block.extendedHighestSequence, 0u);
  EXPECT_EQ(block.lastSenderReport, 0u);
  EXPECT_EQ(block.delaySinceLastSenderReport, 0u);
  EXPECT_EQ(stats.lossRatio(), 0.0);
}

TEST(RtpReceiveStatsTest, CountsInOrderPackets) {
  RtpReceiveStats stats(kOpusRate);
  for (uint16_t i = 0; i < 50; ++i) stats.onPacket(1000 + i, i * 960u, i * 20, 120);
  EXPECT_EQ(stats.packetsReceived(), 50u);
  EXPECT_EQ(stats.bytesReceived(), 6000u);
  EXPECT_EQ(stats.extendedHighestSeq(), 1049u);
  EXPECT_EQ(stats.cumulativeLost(), 0);
  EXPECT_EQ(stats.lossRatio(), 0.0);
}

TEST(RtpReceiveStatsTest, ExtendsSequenceAcrossWrapAround) {
  RtpReceiveStats stats(kOpusRate);
  for (uint32_t i = 0; i < 20; ++i) stats.onPacket(static_cast<uint16_t>(65530 + i), i * 960, i * 20, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 0x10000u + 13);  // 65530 + 19 = 65549
  EXPECT_EQ(stats.cumulativeLost(), 0);
  // A late packet from before the wrap does not move the highest sequence back.
  stats.onPacket(65533, 3 * 960, 500, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 0x10000u + 13);
}

TEST(RtpReceiveStatsTest, ManyWrapsKeepCounting) {
  RtpReceiveStats stats(kOpusRate);
  uint32_t ts = 0;
  for (uint32_t i = 0; i < 3 * 65536 + 10; i += 2) {  // every other packet lost
    stats.onPacket(static_cast<uint16_t>(i), ts += 1920, i * 20, 100);
  }
  EXPECT_EQ(stats.extendedHighestSeq(), 3u * 65536 + 8);
  EXPECT_EQ(stats.cumulativeLost(), (3 * 65536 + 8) / 2);
  EXPECT_NEAR(stats.lossRatio(), 0.5, 0.001);
}

TEST(RtpReceiveStatsTest, ReorderingIsNotLoss) {
  RtpReceiveStats stats(kOpusRate);
  for (const uint16_t seq : {1, 2, 4, 3, 5, 7, 6, 8}) stats.onPacket(seq, seq * 960u, seq * 20, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 8u);
  EXPECT_EQ(stats.cumulativeLost(), 0);
  EXPECT_EQ(stats.reportBlock(1, 0).fractionLost, 0);
}

TEST(RtpReceiveStatsTest, ReorderingAcrossTheWrap) {
  RtpReceiveStats stats(kOpusRate);
  for (const uint16_t seq : {65534, 0, 65535, 1, 2}) stats.onPacket(seq, 0, 0, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 0x10002u);
  EXPECT_EQ(stats.cumulativeLost(), 0);
}

TEST(RtpReceiveStatsTest, DuplicatesMakeLossNegative) {
  RtpReceiveStats stats(kOpusRate);
  for (const uint16_t seq : {1, 2, 2, 3, 3, 1}) stats.onPacket(seq, seq * 960u, seq * 20, 100);
  EXPECT_EQ(stats.packetsReceived(), 6u);
  EXPECT_EQ(stats.extendedHighestSeq(), 3u);
  EXPECT_EQ(stats.cumulativeLost(), -3);
  EXPECT_EQ(stats.lossRatio(), 0.0);
  const ReportBlock block = stats.reportBlock(1, 0);
  EXPECT_EQ(block.cumulativeLost, -3);
  EXPECT_EQ(block.fractionLost, 0);  // negative interval loss reports as 0
}

TEST(RtpReceiveStatsTest, FractionLostPerReportInterval) {
  RtpReceiveStats stats(kOpusRate);
  uint16_t seq = 0;
  for (int report = 1; report <= 10; ++report) {
    for (int i = 0; i < 100; ++i, ++seq) {
      if (seq % 10 == 5) continue;  // every 10th packet lost
      stats.onPacket(seq, seq * 960u, seq * 20, 100);
    }
    const ReportBlock block = stats.reportBlock(7, seq * 20);
    EXPECT_EQ(block.fractionLost, 25) << report;  // 10/100 * 256 = 25.6
    EXPECT_EQ(block.cumulativeLost, 10 * report);
    EXPECT_EQ(block.extendedHighestSequence, static_cast<uint32_t>(seq - 1));
  }
  EXPECT_EQ(stats.cumulativeLost(), 100);
  EXPECT_NEAR(stats.lossRatio(), 0.1, 1e-9);
  // No new packets: the next interval has nothing expected and nothing lost.
  EXPECT_EQ(stats.reportBlock(7, 30000).fractionLost, 0);
}

TEST(RtpReceiveStatsTest, GapWithinDropoutIsLoss) {
  RtpReceiveStats stats(kOpusRate);
  for (uint16_t i = 0; i < 10; ++i) stats.onPacket(i, 0, 0, 100);
  stats.onPacket(1009, 0, 0, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 1009u);
  EXPECT_EQ(stats.cumulativeLost(), 999);
  EXPECT_EQ(stats.reportBlock(1, 0).fractionLost, (999 << 8) / 1010);
}

TEST(RtpReceiveStatsTest, LoneLargeJumpIsIgnored) {
  RtpReceiveStats stats(kOpusRate);
  for (uint16_t i = 0; i < 10; ++i) stats.onPacket(i, 0, 0, 100);
  stats.onPacket(30000, 0, 0, 100);
  stats.onPacket(10, 0, 0, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 10u);
  EXPECT_EQ(stats.cumulativeLost(), 0);
  EXPECT_EQ(stats.packetsReceived(), 12u);
}

TEST(RtpReceiveStatsTest, TwoSequentialPacketsAfterAJumpResync) {
  RtpReceiveStats stats(kOpusRate);
  for (uint16_t i = 0; i < 10; ++i) stats.onPacket(i, 0, 0, 100);
  stats.onPacket(30000, 0, 0, 100);
  stats.onPacket(30001, 0, 0, 100);
  EXPECT_EQ(stats.extendedHighestSeq(), 30001u);
  EXPECT_EQ(stats.cumulativeLost(), 0);  // the restart starts a new count, as A.1 does
  stats.onPacket(30003, 0, 0, 100);
  EXPECT_EQ(stats.cumulativeLost(), 1);
}

TEST(RtpReceiveStatsTest, CumulativeLostIsClampedInTheBlock) {
  RtpReceiveStats stats(kOpusRate);
  uint32_t seq = 0;
  for (int i = 0; i < 3000; ++i, seq += 2999) stats.onPacket(static_cast<uint16_t>(seq), 0, 0, 100);
  EXPECT_GT(stats.cumulativeLost(), ReportBlock::kMaxCumulativeLost);
  const ReportBlock block = stats.reportBlock(1, 0);
  EXPECT_EQ(block.cumulativeLost, ReportBlock::kMaxCumulativeLost);
  EXPECT_EQ(block.fractionLost, 255);
}

TEST(RtpReceiveStatsTest, JitterOfAConstantRateStreamIsZero) {
  RtpReceiveStats stats(kOpusRate);
  for (uint32_t i = 0; i < 500; ++i)
    stats.onPacket(static_cast<uint16_t>(i), 12345 + i * 960, 1000 + i * 20, 100);
  EXPECT_EQ(stats.jitter(), 0u);
  EXPECT_EQ(stats.reportBlock(1, 0).jitter, 0u);
}

TEST(RtpReceiveStatsTest, JitterIsUnaffectedByTimestampWrap) {
  RtpReceiveStats stats(90000);
  for (uint32_t i = 0; i < 300; ++i) {
    stats.onPacket(static_cast<uint16_t>(i), 0xFFFF0000u + i * 3000, 5000 + i * 100 / 3, 1000);
  }
  EXPECT_LE(stats.jitter(), 90u);  // only the 1/3 ms rounding of the arrival times
}

TEST(RtpReceiveStatsTest, JitterGrowsWithArrivalNoise) {
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> noise(0, 10);
  RtpReceiveStats stats(kOpusRate);
  for (uint32_t i = 0; i < 2000; ++i) {
    stats.onPacket(static_cast<uint16_t>(i), i * 960, 1000 + i * 20 + noise(rng), 100);
  }
  // |D| of two uniform 0..10 ms delays averages about 3.3 ms, which is 160 ticks at 48 kHz.
  EXPECT_GT(stats.jitter(), 80u);
  EXPECT_LT(stats.jitter(), 300u);
  EXPECT_GT(stats.jitterMs(), 1.5);
  EXPECT_LT(stats.jitterMs(), 6.5);

  RtpReceiveStats noisier(kOpusRate);
  std::uniform_int_distribution<int> bigNoise(0, 50);
  for (uint32_t i = 0; i < 2000; ++i) {
    noisier.onPacket(static_cast<uint16_t>(i), i * 960, 1000 + i * 20 + bigNoise(rng), 100);
  }
  EXPECT_GT(noisier.jitter(), 3 * stats.jitter());
}

TEST(RtpReceiveStatsTest, ReportsLsrAndDlsr) {
  RtpReceiveStats stats(kOpusRate);
  stats.onPacket(1, 960, 0, 100);
  const uint64_t ntp = unixMsToNtp(1'700'000'000'123);
  stats.onSenderReport(ntp, 960, 1000);
  EXPECT_EQ(stats.lastSenderReportNtp(), ntp);
  EXPECT_EQ(stats.lastSenderReportRtpTimestamp(), 960u);
  const ReportBlock block = stats.reportBlock(9, 1500);
  EXPECT_EQ(block.lastSenderReport, static_cast<uint32_t>(ntp >> 16));
  EXPECT_EQ(block.delaySinceLastSenderReport, 32768u);                  // 0.5 s in 1/65536 s
  EXPECT_EQ(stats.reportBlock(9, 900).delaySinceLastSenderReport, 0u);  // clock went back: no delay
}

}  // namespace
}  // namespace rooms::rtc
