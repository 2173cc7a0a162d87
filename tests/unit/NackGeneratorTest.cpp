#include "rtc/rtp/NackGenerator.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace rooms::rtc {
namespace {

std::vector<uint16_t> due(NackGenerator& g, int64_t nowMs, int64_t rttMs = 100) {
  std::array<uint16_t, 64> out{};
  const size_t n = g.collect(nowMs, rttMs, out);
  return {out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n)};
}

TEST(NackGeneratorTest, GapIsAskedForAtOnce) {
  NackGenerator g;
  EXPECT_EQ(g.onPacket(100, 0), NackGenerator::Arrival::InOrder);
  EXPECT_EQ(g.onPacket(101, 1), NackGenerator::Arrival::InOrder);
  EXPECT_EQ(g.onPacket(104, 2), NackGenerator::Arrival::Gap);
  EXPECT_EQ(g.missingCount(), 2u);
  EXPECT_EQ(due(g, 2), (std::vector<uint16_t>{102, 103}));
  EXPECT_TRUE(due(g, 3).empty());  // asked already; not again before a round trip
  EXPECT_FALSE(g.takeKeyFrameNeeded());
}

TEST(NackGeneratorTest, RetriesAboutOncePerRoundTrip) {
  NackGenerator g;
  g.onPacket(1, 0);
  g.onPacket(3, 0);
  EXPECT_EQ(due(g, 0, 80), (std::vector<uint16_t>{2}));
  EXPECT_TRUE(due(g, 79, 80).empty());
  EXPECT_EQ(due(g, 80, 80), (std::vector<uint16_t>{2}));
  EXPECT_TRUE(due(g, 100, 80).empty());
  EXPECT_EQ(due(g, 160, 80), (std::vector<uint16_t>{2}));
  // An unknown RTT retries at the default; a tiny one is floored, so a wrong measurement cannot flood.
  NackGenerator h;
  h.onPacket(1, 0);
  h.onPacket(3, 0);
  due(h, 0, -1);
  EXPECT_TRUE(due(h, NackGenerator::kDefaultRttMs - 1, -1).empty());
  EXPECT_EQ(due(h, NackGenerator::kDefaultRttMs, -1).size(), 1u);
  EXPECT_TRUE(due(h, NackGenerator::kDefaultRttMs + NackGenerator::kMinRetryMs - 1, 1).empty());
  EXPECT_EQ(due(h, NackGenerator::kDefaultRttMs + NackGenerator::kMinRetryMs, 1).size(), 1u);
  EXPECT_EQ(h.counters().nacksRequested, 3u);
}

TEST(NackGeneratorTest, RetransmissionFillsTheGap) {
  NackGenerator g;
  g.onPacket(10, 0);
  g.onPacket(14, 0);
  due(g, 0);
  EXPECT_EQ(g.onPacket(12, 30), NackGenerator::Arrival::Recovered);
  EXPECT_EQ(g.onPacket(12, 31), NackGenerator::Arrival::Duplicate);
  EXPECT_EQ(g.missingCount(), 2u);
  EXPECT_EQ(due(g, 100), (std::vector<uint16_t>{11, 13}));
  EXPECT_EQ(g.onPacket(11, 120), NackGenerator::Arrival::Recovered);
  EXPECT_EQ(g.onPacket(13, 121), NackGenerator::Arrival::Recovered);
  EXPECT_FALSE(g.pending());
  EXPECT_EQ(g.counters().packetsMissing, 3u);
  EXPECT_EQ(g.counters().packetsRecovered, 3u);
  EXPECT_EQ(g.counters().packetsGivenUp, 0u);
}

TEST(NackGeneratorTest, ReorderedPacketIsNotLost) {
  NackGenerator g;
  g.onPacket(1, 0);
  g.onPacket(3, 0);  // 2 is late, not lost
  EXPECT_EQ(g.onPacket(2, 1), NackGenerator::Arrival::Recovered);
  EXPECT_TRUE(due(g, 1).empty());
  EXPECT_EQ(g.onPacket(4, 2), NackGenerator::Arrival::InOrder);
  EXPECT_EQ(g.onPacket(1, 3), NackGenerator::Arrival::Duplicate);  // older than anything missing
}

TEST(NackGeneratorTest, GivesUpAfterRetriesAndAsksForAKeyFrame) {
  NackGenerator g;
  g.onPacket(1, 0);
  g.onPacket(3, 0);
  int64_t now = 0;
  for (uint32_t i = 0; i < NackGenerator::kMaxRetries; ++i, now += 100)
    EXPECT_EQ(due(g, now).size(), 1u) << i;
  EXPECT_TRUE(due(g, now).empty());
  EXPECT_FALSE(g.pending());
  EXPECT_TRUE(g.takeKeyFrameNeeded());
  EXPECT_FALSE(g.takeKeyFrameNeeded());  // once
  EXPECT_EQ(g.counters().packetsGivenUp, 1u);
}

TEST(NackGeneratorTest, GivesUpWhatIsTooOldToHelp) {
  NackGenerator g;
  g.onPacket(1, 0);
  g.onPacket(3, 0);
  g.onPacket(6, 1000);
  EXPECT_EQ(due(g, 1000, 400), (std::vector<uint16_t>{2, 4, 5}));
  // Packet 2 passes the age bound: one key frame repairs everything, so the whole list goes.
  EXPECT_TRUE(due(g, NackGenerator::kMaxAgeMs + 1, 400).empty());
  EXPECT_TRUE(g.takeKeyFrameNeeded());
  EXPECT_EQ(g.missingCount(), 0u);
  EXPECT_EQ(g.counters().packetsGivenUp, 3u);
}

TEST(NackGeneratorTest, WrapsAroundTheSequenceSpace) {
  NackGenerator g;
  g.onPacket(65533, 0);
  EXPECT_EQ(g.onPacket(2, 1), NackGenerator::Arrival::Gap);
  EXPECT_EQ(due(g, 1), (std::vector<uint16_t>{65534, 65535, 0, 1}));
  EXPECT_EQ(g.onPacket(0, 2), NackGenerator::Arrival::Recovered);
  EXPECT_EQ(g.onPacket(65535, 2), NackGenerator::Arrival::Recovered);
  EXPECT_EQ(g.missingCount(), 2u);
}

TEST(NackGeneratorTest, JumpTooLargeToRepairResets) {
  NackGenerator g;
  g.onPacket(1, 0);
  g.onPacket(3, 0);
  EXPECT_EQ(g.onPacket(static_cast<uint16_t>(4 + NackGenerator::kCapacity + 1), 1),
            NackGenerator::Arrival::Reset);
  EXPECT_FALSE(g.pending());
  EXPECT_TRUE(g.takeKeyFrameNeeded());
  EXPECT_EQ(g.onPacket(static_cast<uint16_t>(4 + NackGenerator::kCapacity + 2), 2),
            NackGenerator::Arrival::InOrder);
}

TEST(NackGeneratorTest, FullListGivesUpTheOldestInsteadOfGrowing) {
  NackGenerator g;
  uint16_t seq = 0;
  g.onPacket(seq, 0);
  // Every other packet lost until the list is full.
  for (size_t i = 0; i < NackGenerator::kCapacity; ++i) {
    seq = static_cast<uint16_t>(seq + 2);
    g.onPacket(seq, 0);
  }
  EXPECT_EQ(g.missingCount(), NackGenerator::kCapacity);
  g.onPacket(static_cast<uint16_t>(seq + 2), 0);
  EXPECT_EQ(g.missingCount(), 1u);
  EXPECT_TRUE(g.takeKeyFrameNeeded());
}

TEST(NackGeneratorTest, CollectRespectsTheOutputSize) {
  NackGenerator g;
  g.onPacket(0, 0);
  g.onPacket(20, 0);
  std::array<uint16_t, 5> out{};
  EXPECT_EQ(g.collect(0, 100, out), 5u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(g.collect(0, 100, out), 5u);  // the rest, not the same five again
  EXPECT_EQ(out[0], 6);
}

}  // namespace
}  // namespace rooms::rtc
