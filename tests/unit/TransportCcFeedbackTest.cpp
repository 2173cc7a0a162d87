// TransportFeedback::write and TransportCcFeedbackGenerator, read back with our parser, which is itself
// checked against hand-made packets in RtcpPacketTest; and one packet compared byte for byte with the
// encoding the draft's rules give.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <tuple>
#include <vector>

#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/TransportFeedback.h"
#include "rtc/rtp/TransportCcFeedbackGenerator.h"

namespace rooms::rtc {
namespace {

struct Reported {
  uint16_t seq;
  bool received;
  int64_t deltaUs;
  bool operator==(const Reported&) const = default;
};

std::optional<TransportFeedback> parseOne(const uint8_t* data, size_t size,
                                          std::optional<RtcpCompoundPacket>& holder) {
  holder = RtcpCompoundPacket::parse(data, size);
  if (!holder || holder->packetCount() != 1) return std::nullopt;
  return TransportFeedback::parse(*holder->begin());
}

std::vector<Reported> readBack(const uint8_t* data, size_t size, TransportFeedback* out = nullptr) {
  std::optional<RtcpCompoundPacket> holder;
  auto fb = parseOne(data, size, holder);
  EXPECT_TRUE(fb);
  if (!fb) return {};
  std::vector<Reported> r;
  EXPECT_TRUE(fb->forEachPacket([&](uint16_t s, bool rec, int64_t d) { r.push_back({s, rec, d}); }));
  if (out) *out = *fb;
  return r;
}

TEST(TransportCcFeedbackTest, WritesWhatTheParserReadsBack) {
  using A = TransportFeedback::Arrival;
  // Arrivals from 1.000 s: small deltas, a loss, a reordered (negative) delta, a large one.
  const std::vector<A> arrivals = {{true, 1'000'000}, {true, 1'000'500}, {false, 0},
                                   {true, 1'020'000}, {true, 1'019'000}, {true, 1'200'000}};
  std::array<uint8_t, 1500> buf{};
  const auto w = TransportFeedback::write(buf, 11, 22, 65534, 7, arrivals);
  ASSERT_GT(w.bytes, 0u);
  EXPECT_EQ(w.bytes % 4, 0u);
  EXPECT_EQ(w.packets, arrivals.size());
  std::optional<RtcpCompoundPacket> holder;
  auto fb = parseOne(buf.data(), w.bytes, holder);
  ASSERT_TRUE(fb);
  EXPECT_EQ(fb->senderSsrc(), 11u);
  EXPECT_EQ(fb->mediaSsrc(), 22u);
  EXPECT_EQ(fb->baseSequenceNumber(), 65534);
  EXPECT_EQ(fb->packetStatusCount(), 6);
  EXPECT_EQ(fb->feedbackPacketCount(), 7);
  EXPECT_EQ(fb->referenceTimeUs(), 960'000);  // 1.0 s floored to 64 ms units
  std::vector<Reported> got;
  ASSERT_TRUE(fb->forEachPacket([&](uint16_t s, bool r, int64_t d) { got.push_back({s, r, d}); }));
  const std::vector<Reported> want = {{65534, true, 40'000}, {65535, true, 500}, {0, false, 0},
                                      {1, true, 19'500},     {2, true, -1'000},  {3, true, 181'000}};
  EXPECT_EQ(got, want);
}

TEST(TransportCcFeedbackTest, EncodingFollowsTheDraft) {
  using A = TransportFeedback::Arrival;
  // Reference time 1 (64 ms); deltas 1, 2 (small), lost, 300 (large), 1: a 2-bit vector chunk.
  const std::vector<A> arrivals = {
      {true, 64'250}, {true, 64'750}, {false, 0}, {true, 139'750}, {true, 140'000}};
  std::array<uint8_t, 64> buf{};
  const auto w = TransportFeedback::write(buf, 1, 2, 10, 0, arrivals);
  const std::vector<uint8_t> want = {
      0xAF, 0xCD, 0x00, 0x06,                                                  // P bit, RTPFB fmt 15, 7 words
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x0A, 0x00, 0x05,  // base 10, 5 packets
      0x00, 0x00, 0x01, 0x00,                                                  // reference time 1, fb count 0
      0xD4, 0x90,  // 2-bit vector: small, small, not received, large, small
      0x01, 0x02,  // small deltas
      0x01, 0x2C,  // large delta 300
      0x01,        // small delta
      0x01,        // one octet of padding
  };
  ASSERT_EQ(w.bytes, want.size());
  EXPECT_EQ(std::vector<uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(w.bytes)), want);
}

TEST(TransportCcFeedbackTest, LongRunsUseRunLengthChunks) {
  std::vector<TransportFeedback::Arrival> arrivals;
  for (int i = 0; i < 100; ++i) arrivals.push_back({true, 1000 + i * 250});
  for (int i = 0; i < 50; ++i) arrivals.push_back({false, 0});
  arrivals.push_back({true, 100'000});
  std::array<uint8_t, 1500> buf{};
  const auto w = TransportFeedback::write(buf, 1, 2, 0, 0, arrivals);
  ASSERT_EQ(w.packets, arrivals.size());
  // Two run-length chunks and one vector: 20 + 6 + 100 small deltas + 2 large, padded.
  EXPECT_LE(w.bytes, 20u + 6 + 102 + 3);
  const auto got = readBack(buf.data(), w.bytes);
  ASSERT_EQ(got.size(), arrivals.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].received, arrivals[i].received) << i;
}

TEST(TransportCcFeedbackTest, StopsBeforeADeltaThatDoesNotFit) {
  using A = TransportFeedback::Arrival;
  const std::vector<A> arrivals = {{true, 0}, {true, 1000}, {true, 20'000'000}};
  std::array<uint8_t, 1500> buf{};
  const auto w = TransportFeedback::write(buf, 1, 2, 0, 0, arrivals);
  EXPECT_EQ(w.packets, 2u);
  EXPECT_EQ(TransportFeedback::write(buf, 1, 2, 0, 0, std::vector<A>{{false, 0}}).bytes, 0u);
}

TEST(TransportCcFeedbackTest, GeneratorReportsEveryNumberOnce) {
  TransportCcFeedbackGenerator g;
  std::array<uint8_t, 1500> buf{};
  EXPECT_EQ(g.write(buf, 1, 2, 0), 0u);
  g.onPacket(65534, 1'000'000);
  g.onPacket(65535, 1'001'000);
  g.onPacket(1, 1'003'000);  // 0 lost (for now)
  EXPECT_FALSE(g.due(10));
  EXPECT_TRUE(g.due(TransportCcFeedbackGenerator::kIntervalMs));
  size_t n = g.write(buf, 1, 2, 50);
  auto got = readBack(buf.data(), n);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].seq, 65534);
  EXPECT_FALSE(got[2].received);
  EXPECT_TRUE(got[3].received);
  EXPECT_EQ(g.pending(), 0u);
  g.onPacket(0, 1'004'000);  // after it was reported lost: not again
  EXPECT_EQ(g.pending(), 0u);
  g.onPacket(3, 1'010'000);
  g.onPacket(2, 1'011'000);  // reordered within one report
  n = g.write(buf, 1, 2, 100);
  got = readBack(buf.data(), n);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 2);
  EXPECT_EQ(got[1].seq, 3);
  EXPECT_EQ(got[1].deltaUs, -1000);
}

TEST(TransportCcFeedbackTest, GeneratorCountsItsFeedbackPackets) {
  TransportCcFeedbackGenerator g;
  std::array<uint8_t, 1500> buf{};
  for (uint8_t round = 0; round < 3; ++round) {
    for (int i = 0; i < 10; ++i) g.onPacket(static_cast<uint16_t>(round * 10 + i), (round * 10 + i) * 1000);
    const size_t n = g.write(buf, 1, 2, round * 100);
    std::optional<RtcpCompoundPacket> holder;
    auto fb = parseOne(buf.data(), n, holder);
    ASSERT_TRUE(fb);
    EXPECT_EQ(fb->feedbackPacketCount(), round);
    EXPECT_EQ(fb->baseSequenceNumber(), round * 10);
  }
  EXPECT_EQ(g.feedbackSent(), 3u);
}

TEST(TransportCcFeedbackTest, GeneratorKeepsOnlyItsWindow) {
  TransportCcFeedbackGenerator g;
  for (size_t i = 0; i < 3 * TransportCcFeedbackGenerator::kWindow; ++i)
    g.onPacket(static_cast<uint16_t>(i), static_cast<int64_t>(i) * 100);
  EXPECT_EQ(g.pending(), TransportCcFeedbackGenerator::kWindow);
  std::array<uint8_t, 1500> buf{};
  size_t total = 0;
  for (int i = 0; i < 10 && g.pending(); ++i) {
    const size_t n = g.write(buf, 1, 2, i);
    ASSERT_GT(n, 0u);
    total += readBack(buf.data(), n).size();
  }
  EXPECT_EQ(total, TransportCcFeedbackGenerator::kWindow);
}

}  // namespace
}  // namespace rooms::rtc
