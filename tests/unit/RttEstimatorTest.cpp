#include "rtc/rtp/RttEstimator.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "rtc/rtp/RtpReceiveStats.h"

namespace rooms::rtc {
namespace {

constexpr int64_t kUnixMs = 1'700'000'000'000;

TEST(RttEstimatorTest, NtpConversion) {
  EXPECT_EQ(RttEstimator::toNtp(0), kNtpUnixEpochOffsetSeconds << 32);
  EXPECT_EQ(RttEstimator::toNtp(1500), ((kNtpUnixEpochOffsetSeconds + 1) << 32) | 0x80000000u);
  EXPECT_EQ(RttEstimator::toNtp(-500), ((kNtpUnixEpochOffsetSeconds - 1) << 32) | 0x80000000u);
  EXPECT_EQ(RttEstimator::ntpMiddle32(0x1122334455667788ULL), 0x33445566u);
  EXPECT_EQ(msToNtpShort(1000), 65536u);
  EXPECT_EQ(msToNtpShort(-5), 0u);
}

TEST(RttEstimatorTest, RttFromSyntheticSenderAndReceiverReports) {
  // We send an SR at 1000 ms; it takes 20 ms to arrive, the receiver holds it 100 ms and its RR takes
  // 20 ms back: 140 ms elapsed, minus 100 ms DLSR, is a 40 ms round trip.
  RttEstimator rtt;
  const uint64_t ntp = RttEstimator::toNtp(kUnixMs);
  rtt.onSenderReportSent(ntp, 1000);

  RtpReceiveStats receiver(48000);  // the far end, on its own clock
  receiver.onPacket(1, 0, 50'000, 100);
  receiver.onSenderReport(ntp, 0, 50'020);
  const ReportBlock block = receiver.reportBlock(0x1234, 50'120);

  const auto sample = rtt.onReportBlock(block.lastSenderReport, block.delaySinceLastSenderReport, 1140);
  ASSERT_TRUE(sample);
  EXPECT_NEAR(*sample, 40.0, 0.1);
  EXPECT_TRUE(rtt.hasRtt());
  EXPECT_NEAR(rtt.lastRttMs(), 40.0, 0.1);
  EXPECT_NEAR(rtt.averageRttMs(), 40.0, 0.1);
}

TEST(RttEstimatorTest, IgnoresUnknownAndZeroLsr) {
  RttEstimator rtt;
  rtt.onSenderReportSent(RttEstimator::toNtp(kUnixMs), 0);
  EXPECT_FALSE(rtt.onReportBlock(0, 0, 100));
  EXPECT_FALSE(rtt.onReportBlock(RttEstimator::ntpMiddle32(RttEstimator::toNtp(kUnixMs + 1)), 0, 100));
  EXPECT_FALSE(rtt.hasRtt());
  EXPECT_EQ(rtt.averageRttMs(), 0.0);
}

TEST(RttEstimatorTest, MatchesAnyOfTheRecentReports) {
  RttEstimator rtt;
  for (int i = 0; i < 9; ++i) rtt.onSenderReportSent(RttEstimator::toNtp(kUnixMs + i * 1000), i * 1000);
  const auto lsrOf = [](int i) { return RttEstimator::ntpMiddle32(RttEstimator::toNtp(kUnixMs + i * 1000)); };
  EXPECT_FALSE(rtt.onReportBlock(lsrOf(0), 0, 9000));  // pushed out by the ninth
  const auto sample = rtt.onReportBlock(lsrOf(1), msToNtpShort(50), 1080);
  ASSERT_TRUE(sample);
  EXPECT_NEAR(*sample, 30.0, 0.1);
  EXPECT_TRUE(rtt.onReportBlock(lsrOf(8), 0, 8010));
}

TEST(RttEstimatorTest, SmoothsSamples) {
  RttEstimator rtt;
  const uint64_t ntp = RttEstimator::toNtp(kUnixMs);
  rtt.onSenderReportSent(ntp, 0);
  const uint32_t lsr = RttEstimator::ntpMiddle32(ntp);
  ASSERT_TRUE(rtt.onReportBlock(lsr, 0, 40));
  ASSERT_TRUE(rtt.onReportBlock(lsr, 0, 80));
  EXPECT_NEAR(rtt.lastRttMs(), 80.0, 0.1);
  EXPECT_NEAR(rtt.averageRttMs(), 45.0, 0.1);  // 40 + (80 - 40) / 8
  EXPECT_EQ(rtt.sampleCount(), 2u);
}

TEST(RttEstimatorTest, SlightlyNegativeIsZeroAndVeryNegativeIsRejected) {
  RttEstimator rtt;
  const uint64_t ntp = RttEstimator::toNtp(kUnixMs);
  rtt.onSenderReportSent(ntp, 0);
  const uint32_t lsr = RttEstimator::ntpMiddle32(ntp);
  const auto small = rtt.onReportBlock(lsr, msToNtpShort(101), 100);
  ASSERT_TRUE(small);
  EXPECT_EQ(*small, 0.0);
  EXPECT_FALSE(rtt.onReportBlock(lsr, msToNtpShort(500), 100));
}

}  // namespace
}  // namespace rooms::rtc
