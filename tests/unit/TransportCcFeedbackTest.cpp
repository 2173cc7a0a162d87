// TransportFeedback::write and TransportCcFeedbackGenerator, read back with our parser, which is itself
// checked against hand-made packets in RtcpPacketTest; and one packet compared byte for byte with the
// encoding the draft's rules give.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
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

// Transport-wide feedback as Chromium 156 sends it: six packets it sent roomsd as a subscriber during
// make bench-quality's loss5-40ms profile (5% random loss, 40 ms, 2026-12-03), taken after SRTCP decryption.
// Between them: run-length, one-bit and two-bit chunks, losses, a large delta, and RTCP padding.
constexpr const char* kChromiumFeedback[] = {
    "afcd0007d17a813d5f0b95980001000d00c5a700bc4e3700000000002c6b0002",  // 13 packets,
    "8fcd0007b7e212d3c2e937e60006000a00c5a702200a26000000000000000010",  // 10 packets,
    "afcd0007b7e212d3c2e937e60272000900c60e6dafe0ab09463b10390c1a0002",  // 9 packets,
    "afcd0006b7e212d3c2e937e60001000300c5a5002003610000000003",          // 3 packets,
    "8fcd0006b7e212d3c2e937e60033000700c5ad09d5517a5336000064",          // 7 packets,
    "8fcd0006d17a813d5f0b959802b6000500c62481e550010082000022",          // 5 packets,
};

std::vector<uint8_t> fromHex(const char* hex) {
  std::vector<uint8_t> out;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(hex + i, 2), nullptr, 16)));
  }
  return out;
}

TEST(TransportCcFeedbackTest, ParsesWhatChromiumSends) {
  size_t lost = 0;
  size_t large = 0;
  for (const char* hex : kChromiumFeedback) {
    const auto bytes = fromHex(hex);
    std::optional<RtcpCompoundPacket> holder;
    const auto fb = parseOne(bytes.data(), bytes.size(), holder);
    ASSERT_TRUE(fb) << hex;
    const auto reported = readBack(bytes.data(), bytes.size());
    ASSERT_EQ(reported.size(), fb->packetStatusCount()) << hex;
    for (size_t i = 0; i < reported.size(); ++i) {
      EXPECT_EQ(reported[i].seq, static_cast<uint16_t>(fb->baseSequenceNumber() + i)) << hex;
      lost += reported[i].received ? 0 : 1;
      large += reported[i].received && (reported[i].deltaUs < 0 || reported[i].deltaUs > 255 * 250) ? 1 : 0;
    }
  }
  EXPECT_GT(lost, 0u);
  EXPECT_GT(large, 0u);
}

// Every sequence number of a feedback packet with its fate and, when received, its arrival time on the
// receiver's clock (reference time plus the deltas so far).
std::vector<std::tuple<uint16_t, bool, int64_t>> arrivalsOf(const TransportFeedback& fb) {
  std::vector<std::tuple<uint16_t, bool, int64_t>> out;
  int64_t at = fb.referenceTimeUs();
  EXPECT_TRUE(fb.forEachPacket([&](uint16_t seq, bool received, int64_t deltaUs) {
    at += deltaUs;
    out.emplace_back(seq, received, received ? at : 0);
  }));
  return out;
}

// Our writer, given the arrivals each of Chromium's packets reports, says the same: every sequence number
// with the same fate and the same arrival time to the 250 us tick, in at most as many bytes. (The reference
// time may differ: Chromium's is sometimes a 64 ms unit before the first arrival, ours is the unit it falls
// in; a sender adds the deltas to it either way.)
TEST(TransportCcFeedbackTest, WritesWhatChromiumWritesForTheSameArrivals) {
  for (const char* hex : kChromiumFeedback) {
    const auto bytes = fromHex(hex);
    std::optional<RtcpCompoundPacket> holder;
    const auto theirs = parseOne(bytes.data(), bytes.size(), holder);
    ASSERT_TRUE(theirs) << hex;
    const auto expected = arrivalsOf(*theirs);
    std::vector<TransportFeedback::Arrival> arrivals;
    for (const auto& [seq, received, at] : expected) arrivals.push_back({received, at});
    std::array<uint8_t, 1200> out{};
    const auto written =
        TransportFeedback::write(out, theirs->senderSsrc(), theirs->mediaSsrc(), theirs->baseSequenceNumber(),
                                 theirs->feedbackPacketCount(), arrivals);
    ASSERT_EQ(written.packets, arrivals.size()) << hex;
    EXPECT_LE(written.bytes, bytes.size()) << hex;
    std::optional<RtcpCompoundPacket> ourHolder;
    const auto ours = parseOne(out.data(), written.bytes, ourHolder);
    ASSERT_TRUE(ours) << hex;
    EXPECT_EQ(arrivalsOf(*ours), expected) << hex;
    EXPECT_EQ(ours->feedbackPacketCount(), theirs->feedbackPacketCount()) << hex;
    EXPECT_EQ(ours->mediaSsrc(), theirs->mediaSsrc()) << hex;
  }
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
