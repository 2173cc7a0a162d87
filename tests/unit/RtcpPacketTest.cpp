#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rtc/rtcp/Bye.h"
#include "rtc/rtcp/Fir.h"
#include "rtc/rtcp/GenericNack.h"
#include "rtc/rtcp/Pli.h"
#include "rtc/rtcp/ReceiverReport.h"
#include "rtc/rtcp/Remb.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/Sdes.h"
#include "rtc/rtcp/SenderReport.h"
#include "rtc/rtcp/TransportFeedback.h"

namespace rooms::rtc {
namespace {

// The single sub-packet of `bytes`, which must parse as a compound packet of exactly one.
RtcpPacketView only(const std::vector<uint8_t>& bytes) {
  const auto compound = RtcpCompoundPacket::parse(bytes.data(), bytes.size());
  EXPECT_TRUE(compound);
  if (!compound) return {};
  EXPECT_EQ(compound->packetCount(), 1u);
  return *compound->begin();
}

std::vector<uint8_t> written(size_t size, const std::array<uint8_t, 1500>& buffer) {
  EXPECT_GT(size, 0u);
  EXPECT_EQ(size % 4, 0u);
  return {buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(size)};
}

ReportBlock sampleBlock(uint32_t ssrc, int32_t lost) {
  ReportBlock block;
  block.ssrc = ssrc;
  block.fractionLost = 25;
  block.cumulativeLost = lost;
  block.extendedHighestSequence = 0x0001FFFF;
  block.jitter = 1234;
  block.lastSenderReport = 0xAABBCCDD;
  block.delaySinceLastSenderReport = 65536;
  return block;
}

TEST(RtcpPacketTest, ParsesChromeShapedCompoundReceiverReportAndSdes) {
  const std::vector<uint8_t> bytes = {
      0x81, 0xC9, 0x00, 0x07,  // RR, 1 block, 8 words
      0x00, 0x00, 0x00, 0x01,  // reporter SSRC
      0xDE, 0xAD, 0xBE, 0xEF,  // source SSRC
      0x0A, 0xFF, 0xFF, 0xFE,  // fraction 10, cumulative lost -2
      0x00, 0x02, 0x12, 0x34,  // extended highest sequence
      0x00, 0x00, 0x00, 0x20,  // jitter
      0x11, 0x22, 0x33, 0x44,  // LSR
      0x00, 0x01, 0x80, 0x00,  // DLSR 1.5 s
      0x81, 0xCA, 0x00, 0x06,  // SDES, 1 chunk, 7 words
      0x00, 0x00, 0x00, 0x01,  // SSRC
      0x01, 0x10, 'A',  'b',  'C', 'd', 'E', 'f', 'G',  'h',
      'I',  'j',  'K',  'l',  'M', 'n', 'O', 'p', 0x00, 0x00,  // null item and padding to the word boundary
  };
  const auto compound = RtcpCompoundPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(compound);
  ASSERT_EQ(compound->packetCount(), 2u);
  auto it = compound->begin();
  const auto rr = ReceiverReport::parse(*it);
  ASSERT_TRUE(rr);
  EXPECT_FALSE(SenderReport::parse(*it));
  EXPECT_EQ(rr->ssrc(), 1u);
  ASSERT_EQ(rr->reportCount(), 1u);
  const ReportBlock block = rr->reportBlock(0);
  EXPECT_EQ(block.ssrc, 0xDEADBEEFu);
  EXPECT_EQ(block.fractionLost, 10);
  EXPECT_EQ(block.cumulativeLost, -2);
  EXPECT_EQ(block.extendedHighestSequence, 0x00021234u);
  EXPECT_EQ(block.jitter, 0x20u);
  EXPECT_EQ(block.lastSenderReport, 0x11223344u);
  EXPECT_EQ(block.delaySinceLastSenderReport, 0x00018000u);
  ++it;
  const auto sdes = Sdes::parse(*it);
  ASSERT_TRUE(sdes);
  EXPECT_EQ(sdes->cname(1), "AbCdEfGhIjKlMnOp");
  EXPECT_FALSE(sdes->cname(2));
  ++it;
  EXPECT_TRUE(it == compound->end());

  size_t seen = 0;
  for (const auto& packet : *compound) {
    EXPECT_EQ(packet.data[0] >> 6, 2);
    ++seen;
  }
  EXPECT_EQ(seen, 2u);
}

TEST(RtcpPacketTest, SenderReportRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  const SenderInfo info{0x11223344, 0xE0000001, 0x80000000, 90000, 1000, 1200000};
  const std::array<ReportBlock, 2> blocks = {sampleBlock(7, 100), sampleBlock(8, -5)};
  const auto bytes = written(SenderReport::write(buffer, info, blocks), buffer);
  EXPECT_EQ(bytes.size(), 28u + 48u);
  const auto sr = SenderReport::parse(only(bytes));
  ASSERT_TRUE(sr);
  EXPECT_EQ(sr->ssrc(), info.ssrc);
  const auto got = sr->senderInfo();
  EXPECT_EQ(got.ntpSeconds, info.ntpSeconds);
  EXPECT_EQ(got.ntpFraction, info.ntpFraction);
  EXPECT_EQ(got.rtpTimestamp, info.rtpTimestamp);
  EXPECT_EQ(got.packetCount, info.packetCount);
  EXPECT_EQ(got.octetCount, info.octetCount);
  ASSERT_EQ(sr->reportCount(), 2u);
  EXPECT_EQ(sr->reportBlock(0).ssrc, 7u);
  EXPECT_EQ(sr->reportBlock(0).cumulativeLost, 100);
  EXPECT_EQ(sr->reportBlock(1).cumulativeLost, -5);
  EXPECT_EQ(sr->reportBlock(1).jitter, 1234u);
  EXPECT_EQ(sr->reportBlock(2).ssrc, 0u);
  EXPECT_TRUE(sr->extension().empty());

  // No blocks, too many blocks and a short buffer.
  EXPECT_EQ(SenderReport::write(buffer, info, {}), 28u);
  std::array<ReportBlock, 32> tooMany{};
  EXPECT_EQ(SenderReport::write(buffer, info, tooMany), 0u);
  EXPECT_EQ(SenderReport::write(std::span<uint8_t>(buffer.data(), 27), info, {}), 0u);
}

TEST(RtcpPacketTest, ReceiverReportRoundTripClampsCumulativeLost) {
  std::array<uint8_t, 1500> buffer{};
  const std::array<ReportBlock, 3> blocks = {sampleBlock(1, 0x7FFFFF), sampleBlock(2, -0x800000),
                                             sampleBlock(3, 0x12345678)};
  const auto bytes = written(ReceiverReport::write(buffer, 0xCAFE, blocks), buffer);
  const auto rr = ReceiverReport::parse(only(bytes));
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->ssrc(), 0xCAFEu);
  ASSERT_EQ(rr->reportCount(), 3u);
  EXPECT_EQ(rr->reportBlock(0).cumulativeLost, 0x7FFFFF);
  EXPECT_EQ(rr->reportBlock(1).cumulativeLost, -0x800000);
  EXPECT_EQ(rr->reportBlock(2).cumulativeLost, 0x7FFFFF);
  EXPECT_EQ(rr->reportBlock(2).fractionLost, 25);
  EXPECT_EQ(rr->reportBlock(2).delaySinceLastSenderReport, 65536u);
  EXPECT_EQ(ReceiverReport::write(std::span<uint8_t>(buffer.data(), 8), 1, {}), 8u);
  EXPECT_EQ(ReceiverReport::write(std::span<uint8_t>(buffer.data(), 31), 1, blocks), 0u);
}

TEST(RtcpPacketTest, SdesCnameRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  for (const std::string cname : {"", "a", "ab", "abc", "abcd", "{7c0f0a5e-1111-2222-3333-444455556666}"}) {
    const auto bytes = written(Sdes::writeCname(buffer, 0x5555, cname), buffer);
    const auto sdes = Sdes::parse(only(bytes));
    ASSERT_TRUE(sdes) << cname;
    EXPECT_EQ(sdes->chunkCount(), 1u);
    EXPECT_EQ(sdes->cname(0x5555), cname);
  }
  EXPECT_EQ(Sdes::writeCname(buffer, 1, std::string(256, 'x')), 0u);
  EXPECT_EQ(Sdes::writeCname(std::span<uint8_t>(buffer.data(), 12), 1, "abc"), 0u);
}

TEST(RtcpPacketTest, ByeRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  const std::array<uint32_t, 2> ssrcs = {10, 20};
  auto bytes = written(Bye::write(buffer, ssrcs, "left the room"), buffer);
  auto bye = Bye::parse(only(bytes));
  ASSERT_TRUE(bye);
  EXPECT_EQ(bye->ssrcCount(), 2u);
  EXPECT_EQ(bye->ssrc(1), 20u);
  EXPECT_EQ(bye->reason(), "left the room");
  bytes = written(Bye::write(buffer, ssrcs), buffer);
  bye = Bye::parse(only(bytes));
  ASSERT_TRUE(bye);
  EXPECT_TRUE(bye->reason().empty());
}

TEST(RtcpPacketTest, GenericNackExpandsPidAndBlp) {
  const std::vector<uint8_t> bytes = {
      0x81, 0xCD, 0x00, 0x04,  // RTPFB fmt 1, 5 words
      0x00, 0x00, 0x00, 0x01,  // sender
      0x00, 0x00, 0x00, 0x02,  // media
      0x00, 0x64, 0x80, 0x05,  // PID 100, BLP bits 0, 2, 15 -> 101, 103, 116
      0xFF, 0xFF, 0x00, 0x01,  // PID 65535, BLP bit 0 -> 0 (wraps)
  };
  const auto nack = GenericNack::parse(only(bytes));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->senderSsrc(), 1u);
  EXPECT_EQ(nack->mediaSsrc(), 2u);
  ASSERT_EQ(nack->itemCount(), 2u);
  std::vector<uint16_t> lost;
  nack->forEachLost([&](uint16_t seq) { lost.push_back(seq); });
  EXPECT_EQ(lost, (std::vector<uint16_t>{100, 101, 103, 116, 65535, 0}));
  std::array<uint16_t, 3> firstThree{};
  EXPECT_EQ(nack->lostSequenceNumbers(firstThree), 3u);
  EXPECT_EQ(firstThree[2], 103);
  EXPECT_FALSE(Pli::parse(only(bytes)));
  EXPECT_FALSE(TransportFeedback::parse(only(bytes)));
}

TEST(RtcpPacketTest, GenericNackRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  const std::vector<uint16_t> lost = {65530, 65531, 65535, 3, 10, 10, 11, 200, 216, 217};
  const auto bytes = written(GenericNack::write(buffer, 9, 8, lost), buffer);
  const auto nack = GenericNack::parse(only(bytes));
  ASSERT_TRUE(nack);
  EXPECT_EQ(nack->senderSsrc(), 9u);
  EXPECT_EQ(nack->mediaSsrc(), 8u);
  EXPECT_EQ(nack->itemCount(), 4u);  // 65530 covers up to 10; 11 is 17 past it; 200 covers 216; 217 is new
  std::vector<uint16_t> got;
  nack->forEachLost([&](uint16_t seq) { got.push_back(seq); });
  EXPECT_EQ(got, (std::vector<uint16_t>{65530, 65531, 65535, 3, 10, 11, 200, 216, 217}));
  EXPECT_EQ(GenericNack::write(buffer, 1, 2, {}), 0u);
  EXPECT_EQ(GenericNack::write(std::span<uint8_t>(buffer.data(), 16), 1, 2, lost), 0u);
}

TEST(RtcpPacketTest, PliRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  const auto bytes = written(Pli::write(buffer, 1, 0xABCDEF01), buffer);
  EXPECT_EQ(bytes.size(), 12u);
  const auto pli = Pli::parse(only(bytes));
  ASSERT_TRUE(pli);
  EXPECT_EQ(pli->senderSsrc(), 1u);
  EXPECT_EQ(pli->mediaSsrc(), 0xABCDEF01u);
  EXPECT_FALSE(Fir::parse(only(bytes)));
  EXPECT_EQ(Pli::write(std::span<uint8_t>(buffer.data(), 11), 1, 2), 0u);
}

TEST(RtcpPacketTest, FirRoundTrip) {
  std::array<uint8_t, 1500> buffer{};
  const std::array<Fir::Entry, 2> entries = {Fir::Entry{0x1111, 7}, Fir::Entry{0x2222, 255}};
  const auto bytes = written(Fir::write(buffer, 3, entries), buffer);
  const auto fir = Fir::parse(only(bytes));
  ASSERT_TRUE(fir);
  EXPECT_EQ(fir->senderSsrc(), 3u);
  EXPECT_EQ(fir->mediaSsrc(), 0u);
  ASSERT_EQ(fir->entryCount(), 2u);
  EXPECT_EQ(fir->entry(0).ssrc, 0x1111u);
  EXPECT_EQ(fir->entry(0).sequenceNumber, 7);
  EXPECT_EQ(fir->entry(1).sequenceNumber, 255);
  EXPECT_FALSE(Pli::parse(only(bytes)));
  EXPECT_EQ(Fir::write(buffer, 3, {}), 0u);
}

TEST(RtcpPacketTest, RembParsesKnownBytesAndRoundTrips) {
  // 1 SSRC, exponent 4, mantissa 0x30D40 (200000): 3.2 Mbps.
  const std::vector<uint8_t> chrome = {
      0x8F, 0xCE, 0x00, 0x05,  // PSFB fmt 15, 6 words
      0x00, 0x00, 0x00, 0x01,  // sender
      0x00, 0x00, 0x00, 0x00,  // media source, unused
      'R',  'E',  'M',  'B',   // identifier
      0x01, 0x13, 0x0D, 0x40,  // SSRC count, exponent, mantissa
      0x12, 0x34, 0x56, 0x78,  // SSRC
  };
  const auto remb = Remb::parse(only(chrome));
  ASSERT_TRUE(remb);
  EXPECT_EQ(remb->senderSsrc(), 1u);
  EXPECT_EQ(remb->bitrate(), 3200000u);
  ASSERT_EQ(remb->ssrcCount(), 1u);
  EXPECT_EQ(remb->ssrc(0), 0x12345678u);

  std::array<uint8_t, 1500> buffer{};
  const std::array<uint32_t, 3> ssrcs = {1, 2, 3};
  for (const uint64_t bitrate :
       {uint64_t{0}, uint64_t{30000}, uint64_t{262143}, uint64_t{2500000}, uint64_t{1} << 40}) {
    const auto bytes = written(Remb::write(buffer, 77, bitrate, ssrcs), buffer);
    const auto again = Remb::parse(only(bytes));
    ASSERT_TRUE(again) << bitrate;
    EXPECT_LE(again->bitrate(), bitrate);
    EXPECT_GE(again->bitrate(), bitrate - bitrate / 131072) << bitrate;  // 18-bit precision
    EXPECT_EQ(again->ssrcCount(), 3u);
    EXPECT_EQ(again->ssrc(2), 3u);
  }
  // The largest exponent saturates rather than overflowing.
  std::vector<uint8_t> huge = chrome;
  huge[17] = 0xFF;
  EXPECT_EQ(Remb::parse(only(huge))->bitrate(), std::numeric_limits<uint64_t>::max());
  // Other application feedback is not REMB.
  std::vector<uint8_t> other = chrome;
  other[12] = 'X';
  EXPECT_FALSE(Remb::parse(only(other)));
  // An SSRC count past the end.
  std::vector<uint8_t> shortList = chrome;
  shortList[16] = 2;
  EXPECT_FALSE(Remb::parse(only(shortList)));
}

TEST(RtcpPacketTest, TransportFeedbackParsesChunksAndDeltas) {
  const std::vector<uint8_t> packet = {
      0x8F, 0xCD, 0x00, 0x07,  // RTPFB fmt 15, 8 words
      0x00, 0x00, 0x00, 0x01,  // sender
      0x00, 0x00, 0x00, 0x02,  // media
      0xFF, 0xFE, 0x00, 0x0A,  // base seq 65534, 10 packets
      0xFF, 0xFF, 0xFE, 0x05,  // reference time -2 (x 64 ms), fb count 5
      0x20, 0x03,              // run length: 3 x "small delta"
      0xE1, 0x08,              // 2-bit vector: large, not, small, not, not, large, not
      0x04, 0x08, 0x0C,        // small deltas 4, 8, 12 (x 250 us)
      0xFF, 0x38,              // large delta -200
      0x01,                    // small delta 1
      0x00, 0x10,              // large delta 16
  };
  const auto feedback = TransportFeedback::parse(only(packet));
  ASSERT_TRUE(feedback);
  EXPECT_EQ(feedback->senderSsrc(), 1u);
  EXPECT_EQ(feedback->mediaSsrc(), 2u);
  EXPECT_EQ(feedback->baseSequenceNumber(), 65534);
  EXPECT_EQ(feedback->packetStatusCount(), 10);
  EXPECT_EQ(feedback->referenceTime(), -2);
  EXPECT_EQ(feedback->referenceTimeUs(), -128000);
  EXPECT_EQ(feedback->feedbackPacketCount(), 5);

  struct Status {
    uint16_t seq;
    bool received;
    int64_t deltaUs;
  };
  std::vector<Status> got;
  EXPECT_TRUE(feedback->forEachPacket([&](uint16_t seq, bool received, int64_t deltaUs) {
    got.push_back({seq, received, deltaUs});
  }));
  const std::vector<Status> expected = {
      {65534, true, 1000}, {65535, true, 2000}, {0, true, 3000}, {1, true, -50000}, {2, false, 0},
      {3, true, 250},      {4, false, 0},       {5, false, 0},   {6, true, 4000},   {7, false, 0}};
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seq, expected[i].seq) << i;
    EXPECT_EQ(got[i].received, expected[i].received) << i;
    EXPECT_EQ(got[i].deltaUs, expected[i].deltaUs) << i;
  }
}

TEST(RtcpPacketTest, TransportFeedbackOneBitVectorAndMalformedChunks) {
  std::vector<uint8_t> packet = {
      0x8F, 0xCD, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 2, 0x00, 0x10, 0x00, 0x03,  // base 16, 3 packets
      0x00, 0x00, 0x01, 0x00,                                                  // reference 1, fb count 0
      0xA8, 0x00,  // 1-bit vector: received, not, received (rest unused)
      0x01, 0x02,  // small deltas
  };
  auto feedback = TransportFeedback::parse(only(packet));
  ASSERT_TRUE(feedback);
  std::vector<uint16_t> received;
  EXPECT_TRUE(feedback->forEachPacket([&](uint16_t seq, bool ok, int64_t) {
    if (ok) received.push_back(seq);
  }));
  EXPECT_EQ(received, (std::vector<uint16_t>{16, 18}));

  // Deltas missing: the walk reports what it could and fails.
  std::vector<uint8_t> truncated = packet;
  truncated[20] = 0x20;  // run length chunk: three small deltas, but only two delta bytes follow
  truncated[21] = 0x03;
  feedback = TransportFeedback::parse(only(truncated));
  ASSERT_TRUE(feedback);
  EXPECT_FALSE(feedback->forEachPacket([](uint16_t, bool, int64_t) {}));
  // Reserved status 3 in a run length chunk.
  std::vector<uint8_t> reserved = packet;
  reserved[20] = 0x60;
  reserved[21] = 0x03;
  EXPECT_FALSE(TransportFeedback::parse(only(reserved))->forEachPacket([](uint16_t, bool, int64_t) {}));
  // More statuses than chunks.
  std::vector<uint8_t> tooMany = packet;
  tooMany[15] = 0x40;
  EXPECT_FALSE(TransportFeedback::parse(only(tooMany))->forEachPacket([](uint16_t, bool, int64_t) {}));
  // Body shorter than the fixed fields.
  const std::vector<uint8_t> tiny = {0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1};
  EXPECT_FALSE(TransportFeedback::parse(only(tiny)));
}

TEST(RtcpPacketTest, WritersComposeIntoOneCompoundPacket) {
  std::array<uint8_t, 1500> buffer{};
  std::span<uint8_t> out(buffer);
  size_t size = 0;
  const std::array<ReportBlock, 1> blocks = {sampleBlock(5, 1)};
  size += ReceiverReport::write(out.subspan(size), 1, blocks);
  size += Sdes::writeCname(out.subspan(size), 1, "cname");
  const std::array<uint16_t, 2> lost = {7, 9};
  size += GenericNack::write(out.subspan(size), 1, 5, lost);
  size += Pli::write(out.subspan(size), 1, 5);
  const std::array<uint32_t, 1> ssrcs = {5};
  size += Remb::write(out.subspan(size), 1, 1000000, ssrcs);
  const auto compound = RtcpCompoundPacket::parse(buffer.data(), size);
  ASSERT_TRUE(compound);
  ASSERT_EQ(compound->packetCount(), 5u);
  std::vector<int> kinds;
  for (const auto& packet : *compound) {
    if (ReceiverReport::parse(packet)) kinds.push_back(1);
    if (Sdes::parse(packet)) kinds.push_back(2);
    if (GenericNack::parse(packet)) kinds.push_back(3);
    if (Pli::parse(packet)) kinds.push_back(4);
    if (Remb::parse(packet)) kinds.push_back(5);
  }
  EXPECT_EQ(kinds, (std::vector<int>{1, 2, 3, 4, 5}));
}

TEST(RtcpPacketTest, RejectsInconsistentCompoundPackets) {
  const auto rejects = [](const std::vector<uint8_t>& bytes) {
    return !RtcpCompoundPacket::parse(bytes.data(), bytes.size());
  };
  EXPECT_TRUE(RtcpCompoundPacket::parse(nullptr, 0) == std::nullopt);
  EXPECT_TRUE(rejects({}));
  EXPECT_TRUE(rejects({0x80, 0xC9, 0x00}));  // truncated header
  // Length word past the end.
  EXPECT_TRUE(rejects({0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1}));
  // Wrong version, first and second packet.
  EXPECT_TRUE(rejects({0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1}));
  EXPECT_TRUE(rejects({0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0xC0, 0xCA, 0x00, 0x00}));
  // Trailing bytes that are not a whole packet.
  EXPECT_TRUE(rejects({0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xCA}));
  // Second length word runs past the end.
  EXPECT_TRUE(rejects({0x80, 0xC9, 0x00, 0x01, 0, 0, 0, 1, 0x80, 0xCA, 0x00, 0x05, 0, 0, 0, 1}));
  // Padding of zero, and padding larger than the body.
  EXPECT_TRUE(rejects({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0}));
  EXPECT_TRUE(rejects({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5}));
  // Valid padding is excluded from the body.
  const std::vector<uint8_t> padded = {0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 9, 0, 0, 0, 4};
  const auto view = only(padded);
  EXPECT_EQ(view.paddingSize, 4u);
  EXPECT_EQ(view.body().size(), 4u);
  const auto rr = ReceiverReport::parse(view);
  ASSERT_TRUE(rr);
  EXPECT_EQ(rr->ssrc(), 9u);
  // A header with length 0 (4 bytes) is a valid, if empty, packet; typed parsers reject it.
  const std::vector<uint8_t> empty = {0x80, 0xC9, 0x00, 0x00};
  EXPECT_FALSE(ReceiverReport::parse(only(empty)));
}

TEST(RtcpPacketTest, TypedParsersRejectCountsPastTheBody) {
  // RR claiming 2 blocks with room for 1.
  std::vector<uint8_t> rr(32, 0);
  rr[0] = 0x82;
  rr[1] = 0xC9;
  rr[3] = 0x07;
  EXPECT_FALSE(ReceiverReport::parse(only(rr)));
  rr[0] = 0x81;
  EXPECT_TRUE(ReceiverReport::parse(only(rr)));
  // SR too short for the sender info.
  const std::vector<uint8_t> sr = {0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(SenderReport::parse(only(sr)));
  // SDES chunk without a null item, and an item longer than the packet.
  const std::vector<uint8_t> unterminated = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'};
  EXPECT_FALSE(Sdes::parse(only(unterminated)));
  const std::vector<uint8_t> longItem = {0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 'a', 'b'};
  EXPECT_FALSE(Sdes::parse(only(longItem)));
  const std::vector<uint8_t> twoChunksOneThere = {0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 'a', 0};
  EXPECT_FALSE(Sdes::parse(only(twoChunksOneThere)));
  // BYE with more SSRCs than bytes, and a reason past the end.
  const std::vector<uint8_t> bye = {0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(Bye::parse(only(bye)));
  const std::vector<uint8_t> byeReason = {0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x05, 'a', 'b', 'c'};
  EXPECT_FALSE(Bye::parse(only(byeReason)));
  // NACK and FIR without any FCI entry, PLI without the media SSRC.
  const std::vector<uint8_t> nack = {0x81, 0xCD, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_FALSE(GenericNack::parse(only(nack)));
  const std::vector<uint8_t> fir = {0x84, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(Fir::parse(only(fir)));
  const std::vector<uint8_t> pli = {0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1};
  EXPECT_FALSE(Pli::parse(only(pli)));
}

}  // namespace
}  // namespace rooms::rtc
