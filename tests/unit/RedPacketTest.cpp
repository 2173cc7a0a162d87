// RFC 2198 payloads as Chromium sends Opus with RED (one redundant block), and the malformed ones.
#include "rtc/rtp/RedPacket.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace rooms::rtc {
namespace {

// One redundant block (pt 111, 960 samples earlier, 3 bytes) and the primary (pt 111, 2 bytes).
std::vector<uint8_t> chromeLike() {
  const uint16_t offset = 960;
  const uint16_t length = 3;
  return {static_cast<uint8_t>(0x80 | 111),
          static_cast<uint8_t>(offset >> 6),
          static_cast<uint8_t>(((offset & 0x3F) << 2) | (length >> 8)),
          static_cast<uint8_t>(length & 0xFF),
          111,
          0xA1,
          0xA2,
          0xA3,
          0xB1,
          0xB2};
}

TEST(RedPacketTest, ParsesRedundantAndPrimaryBlocks) {
  const auto bytes = chromeLike();
  auto red = RedPacket::parse(bytes);
  ASSERT_TRUE(red);
  ASSERT_EQ(red->blockCount(), 2u);
  EXPECT_EQ(red->redundantCount(), 1u);
  EXPECT_EQ(red->block(0).payloadType, 111);
  EXPECT_EQ(red->block(0).timestampOffset, 960);
  EXPECT_EQ(std::vector<uint8_t>(red->block(0).data.begin(), red->block(0).data.end()),
            (std::vector<uint8_t>{0xA1, 0xA2, 0xA3}));
  EXPECT_EQ(red->primary().payloadType, 111);
  EXPECT_EQ(red->primary().timestampOffset, 0);
  EXPECT_EQ(std::vector<uint8_t>(red->primary().data.begin(), red->primary().data.end()),
            (std::vector<uint8_t>{0xB1, 0xB2}));
}

TEST(RedPacketTest, PrimaryOnly) {
  const std::vector<uint8_t> bytes = {111, 1, 2, 3};
  auto red = RedPacket::parse(bytes);
  ASSERT_TRUE(red);
  EXPECT_EQ(red->blockCount(), 1u);
  EXPECT_EQ(red->primary().data.size(), 3u);
}

TEST(RedPacketTest, RefusesWhatRunsPastThePayload) {
  auto bytes = chromeLike();
  EXPECT_FALSE(RedPacket::parse(std::vector<uint8_t>{}));
  EXPECT_FALSE(RedPacket::parse(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 3)));  // header cut
  EXPECT_FALSE(RedPacket::parse(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 6)));  // block cut
  // Only block headers with the F bit, never a final one.
  EXPECT_FALSE(RedPacket::parse(std::vector<uint8_t>(40, 0xFF)));
  // More blocks than kMaxBlocks.
  std::vector<uint8_t> many;
  for (size_t i = 0; i < RedPacket::kMaxBlocks; ++i) many.insert(many.end(), {0x80 | 111, 0, 0, 0});
  many.push_back(111);
  EXPECT_FALSE(RedPacket::parse(many));
}

TEST(RedPacketTest, RewritesBlockPayloadTypes) {
  auto bytes = chromeLike();
  ASSERT_TRUE(RedPacket::rewritePayloadTypes(bytes, 111, 109));
  auto red = RedPacket::parse(bytes);
  ASSERT_TRUE(red);
  EXPECT_EQ(red->block(0).payloadType, 109);
  EXPECT_EQ(red->primary().payloadType, 109);
  EXPECT_EQ(red->block(0).timestampOffset, 960) << "the rest of the header is untouched";
  std::vector<uint8_t> bad = {0x80 | 111, 0};
  EXPECT_FALSE(RedPacket::rewritePayloadTypes(bad, 111, 109));
}

}  // namespace
}  // namespace rooms::rtc
