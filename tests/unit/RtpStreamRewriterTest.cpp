#include "rtc/rtp/RtpStreamRewriter.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace rooms::rtc {
namespace {

constexpr uint32_t kVideoRate = 90000;

TEST(RtpStreamRewriterTest, FirstSegmentPassesThrough) {
  RtpStreamRewriter rewriter(kVideoRate);
  const auto first = rewriter.map(1000, 555, 0);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 1000);
  EXPECT_EQ(first->timestamp, 555u);
  const auto second = rewriter.map(1001, 3555, 33);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->seq, 1001);
  EXPECT_EQ(second->timestamp, 3555u);
}

TEST(RtpStreamRewriterTest, SwitchSourceContinuesSequenceAndTimestamp) {
  RtpStreamRewriter rewriter(kVideoRate);
  for (uint16_t i = 0; i < 10; ++i) ASSERT_TRUE(rewriter.map(100 + i, 3000u * i, 33 * i));
  ASSERT_EQ(rewriter.lastSeq(), 109);
  ASSERT_EQ(rewriter.lastTimestamp(), 27000u);

  rewriter.switchSource(kVideoRate);
  // The new source starts 100 ms after the last packet with numbers of its own.
  const auto first = rewriter.map(50000, 0xFFFFFF00u, 33 * 9 + 100);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 110);
  EXPECT_EQ(first->timestamp, 27000u + 9000);
  const auto next = rewriter.map(50001, 0xFFFFFF00u + 3000, 33 * 10 + 100);  // its timestamp wraps
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 111);
  EXPECT_EQ(next->timestamp, 27000u + 12000);
}

TEST(RtpStreamRewriterTest, SwitchWithNoElapsedTimeStillAdvancesTimestamp) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(1, 100, 500));
  rewriter.switchSource(kVideoRate);
  const auto first = rewriter.map(9, 9, 500);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 2);
  EXPECT_EQ(first->timestamp, 101u);
}

TEST(RtpStreamRewriterTest, SwitchUsesTheNewClockRate) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(1, 1000, 0));
  rewriter.switchSource(48000);
  const auto first = rewriter.map(7, 7, 20);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->timestamp, 1000u + 960);
  EXPECT_EQ(rewriter.clockRate(), 48000u);
}

TEST(RtpStreamRewriterTest, ReorderedAndRetransmittedPacketsMapConsistently) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(10, 0, 0));
  rewriter.switchSource(kVideoRate);
  const auto a = rewriter.map(500, 1000, 40);
  const auto c = rewriter.map(502, 4000, 80);
  const auto b = rewriter.map(501, 4000, 90);  // late
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->seq, 11);
  EXPECT_EQ(b->seq, 12);
  EXPECT_EQ(c->seq, 13);
  EXPECT_EQ(b->timestamp, c->timestamp);
  EXPECT_EQ(rewriter.lastSeq(), 13);                // the late packet does not move the newest back
  const auto again = rewriter.map(501, 4000, 300);  // retransmission
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seq, b->seq);
  EXPECT_EQ(again->timestamp, b->timestamp);
}

TEST(RtpStreamRewriterTest, DropsPacketsFromBeforeTheSegment) {
  RtpStreamRewriter rewriter(kVideoRate);
  for (uint16_t i = 0; i < 5; ++i) ASSERT_TRUE(rewriter.map(i, i * 3000u, i * 33));
  rewriter.pause();
  rewriter.resume();
  ASSERT_TRUE(rewriter.map(10, 30000, 400));
  EXPECT_FALSE(rewriter.map(9, 27000, 401));  // would collide with seqs already sent
  EXPECT_FALSE(rewriter.map(2, 6000, 401));
  EXPECT_TRUE(rewriter.map(10, 30000, 402));  // the segment's first packet itself is fine
}

TEST(RtpStreamRewriterTest, PauseDropsAndResumeContinues) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(200, 90000, 1000));
  rewriter.pause();
  EXPECT_TRUE(rewriter.paused());
  for (uint16_t i = 1; i <= 30; ++i) EXPECT_FALSE(rewriter.map(200 + i, 90000 + i * 3000u, 1000 + i * 33));
  rewriter.resume();
  EXPECT_FALSE(rewriter.paused());
  const auto first = rewriter.map(231, 90000 + 31 * 3000u, 3000);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->seq, 201);  // no gap the subscriber would NACK
  EXPECT_EQ(first->timestamp, 90000u + 2000 * 90);
  const auto next = rewriter.map(232, 90000 + 32 * 3000u, 3033);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->seq, 202);
  EXPECT_EQ(next->timestamp, first->timestamp + 3000);
}

TEST(RtpStreamRewriterTest, IncomingSequenceWrapWithinASegment) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(7, 0, 0));
  rewriter.switchSource(kVideoRate);
  uint16_t expected = 8;
  for (uint32_t i = 65530; i < 65546; ++i, ++expected) {
    const auto mapped = rewriter.map(static_cast<uint16_t>(i), i * 10, 10 + i);
    ASSERT_TRUE(mapped);
    EXPECT_EQ(mapped->seq, expected);
  }
}

TEST(RtpStreamRewriterTest, OutgoingSequenceWraps) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(65535, 0, 0));
  rewriter.switchSource(kVideoRate);
  const auto mapped = rewriter.map(42, 0, 10);
  ASSERT_TRUE(mapped);
  EXPECT_EQ(mapped->seq, 0);
  EXPECT_EQ(rewriter.reverseSeq(0), 42);
  EXPECT_FALSE(rewriter.reverseSeq(65535));  // previous segment
}

TEST(RtpStreamRewriterTest, ReverseSeqMapsNacksIntoTheCurrentSegment) {
  RtpStreamRewriter rewriter(kVideoRate);
  EXPECT_FALSE(rewriter.reverseSeq(0));
  for (uint16_t i = 0; i < 10; ++i) ASSERT_TRUE(rewriter.map(300 + i, 0, i));
  EXPECT_EQ(rewriter.reverseSeq(305), 305);
  rewriter.switchSource(kVideoRate);
  EXPECT_EQ(rewriter.reverseSeq(305), 305);  // still the old segment until the new one starts
  for (uint16_t i = 0; i < 10; ++i) ASSERT_TRUE(rewriter.map(9000 + i, 0, 100 + i));
  // Out 310..319 are in 9000..9009.
  EXPECT_EQ(rewriter.reverseSeq(310), 9000);
  EXPECT_EQ(rewriter.reverseSeq(315), 9005);
  EXPECT_EQ(rewriter.reverseSeq(319), 9009);
  EXPECT_FALSE(rewriter.reverseSeq(309));  // before the segment
  EXPECT_FALSE(rewriter.reverseSeq(320));  // not sent yet
  EXPECT_FALSE(rewriter.reverseSeq(40000));
}

TEST(RtpStreamRewriterTest, LongSegmentKeepsItsStart) {
  RtpStreamRewriter rewriter(kVideoRate);
  ASSERT_TRUE(rewriter.map(0, 0, 0));
  rewriter.switchSource(kVideoRate);
  for (uint32_t i = 0; i < 40000; ++i) ASSERT_TRUE(rewriter.map(static_cast<uint16_t>(1000 + i), i, i));
  // 40000 packets in, a packet 100 behind the newest is still mapped; the segment start is far behind.
  EXPECT_TRUE(rewriter.map(static_cast<uint16_t>(1000 + 39900), 0, 40000));
  EXPECT_EQ(rewriter.reverseSeq(static_cast<uint16_t>(1 + 39900)), static_cast<uint16_t>(1000 + 39900));
}

TEST(RtpStreamRewriterTest, CountsSentPacketsAndExtrapolatesTimestamp) {
  RtpStreamRewriter rewriter(kVideoRate);
  rewriter.onSent(1200);
  rewriter.onSent(300);
  EXPECT_EQ(rewriter.packetsSent(), 2u);
  EXPECT_EQ(rewriter.bytesSent(), 1500u);
  ASSERT_TRUE(rewriter.map(1, 1000, 5000));
  EXPECT_EQ(rewriter.rtpTimestampAt(5500), 1000u + 45000);
}

}  // namespace
}  // namespace rooms::rtc
