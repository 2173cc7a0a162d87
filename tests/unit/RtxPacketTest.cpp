#include "rtc/rtp/RtxPacket.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace rooms::rtc {
namespace {

// A VP8-like packet: seq 0x1234, ts 0xAABBCCDD, ssrc 0x01020304, pt 96, marker, one-byte extensions
// (mid "1" as id 4, transport-wide seq as id 3), payload 1..20.
std::vector<uint8_t> mediaPacket() {
  std::vector<uint8_t> p = {0x90, 0xE0, 0x12, 0x34, 0xAA, 0xBB, 0xCC, 0xDD, 0x01, 0x02, 0x03, 0x04,
                            0xBE, 0xDE, 0x00, 0x02, 0x40, '1',  0x31, 0x00, 0x07, 0x00, 0x00, 0x00};
  for (uint8_t i = 1; i <= 20; ++i) p.push_back(i);
  return p;
}

TEST(RtxPacketTest, WrapThenRestoreGivesTheOriginal) {
  const auto original = mediaPacket();
  std::array<uint8_t, 1500> buffer{};
  const size_t n = RtxPacket::wrap(original, 0x0A0B0C0D, 97, 500, buffer.data(), buffer.size());
  ASSERT_EQ(n, original.size() + 2);
  auto rtx = RtpPacket::parse(buffer.data(), n);
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->ssrc(), 0x0A0B0C0Du);
  EXPECT_EQ(rtx->payloadType(), 97);
  EXPECT_EQ(rtx->sequenceNumber(), 500);
  EXPECT_EQ(rtx->timestamp(), 0xAABBCCDDu);
  EXPECT_TRUE(rtx->marker());
  ASSERT_EQ(rtx->payload().size(), 22u);
  EXPECT_EQ(rtx->payload()[0], 0x12);  // OSN
  EXPECT_EQ(rtx->payload()[1], 0x34);
  ASSERT_TRUE(rtx->extension(4));
  EXPECT_EQ((*rtx->extension(4))[0], '1');

  auto restored = RtxPacket::restore(*rtx, 0x01020304, 96);
  ASSERT_TRUE(restored);
  ASSERT_EQ(restored->size(), original.size());
  EXPECT_EQ(std::vector<uint8_t>(restored->data(), restored->data() + restored->size()), original);
  EXPECT_EQ(restored->sequenceNumber(), 0x1234);
  ASSERT_TRUE(restored->extension(3));
  EXPECT_EQ((*restored->extension(3))[1], 0x07);
}

TEST(RtxPacketTest, PaddingOnlyProbeRestoresToNothing) {
  // A browser's probe on the RTX stream: no payload, 4 octets of padding.
  std::vector<uint8_t> probe = {0xA0, 97, 0x00, 0x01, 0, 0, 0, 1, 0x0A, 0x0B, 0x0C, 0x0D, 0, 0, 0, 4};
  auto rtx = RtpPacket::parse(probe.data(), probe.size());
  ASSERT_TRUE(rtx);
  EXPECT_FALSE(RtxPacket::restore(*rtx, 1, 96));
}

TEST(RtxPacketTest, PaddingIsKept) {
  // OSN 0x0007, payload {9, 9}, 2 octets of padding.
  std::vector<uint8_t> bytes = {0xA0, 97,   0x00, 0x05, 0,    0, 0, 1, 0x0A,
                                0x0B, 0x0C, 0x0D, 0x00, 0x07, 9, 9, 0, 2};
  auto rtx = RtpPacket::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(rtx);
  auto restored = RtxPacket::restore(*rtx, 0x11, 96);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->sequenceNumber(), 7);
  EXPECT_EQ(restored->ssrc(), 0x11u);
  EXPECT_EQ(restored->payloadType(), 96);
  ASSERT_EQ(restored->payload().size(), 2u);
  EXPECT_EQ(restored->payload()[0], 9);
  EXPECT_EQ(restored->paddingSize(), 2);
}

TEST(RtxPacketTest, WrapRefusesWhatDoesNotFitOrParse) {
  const auto original = mediaPacket();
  std::array<uint8_t, 1500> buffer{};
  EXPECT_EQ(RtxPacket::wrap(original, 1, 97, 1, buffer.data(), original.size() + 1), 0u);
  const std::vector<uint8_t> junk = {0x00, 0x01, 0x02};
  EXPECT_EQ(RtxPacket::wrap(junk, 1, 97, 1, buffer.data(), buffer.size()), 0u);
}

}  // namespace
}  // namespace rooms::rtc
