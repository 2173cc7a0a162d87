#include "rtc/rtp/RtpRetransmissionBuffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace rooms::rtc {
namespace {

std::vector<uint8_t> packetBytes(uint16_t seq, size_t size = 100) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seq + i);
  return bytes;
}

TEST(RtpRetransmissionBufferTest, FindsStoredPacket) {
  RtpRetransmissionBuffer buffer(16, 1000);
  const auto bytes = packetBytes(7);
  buffer.store(7, bytes.data(), bytes.size(), 0);
  const auto found = buffer.find(7, 10);
  ASSERT_EQ(found.size(), bytes.size());
  EXPECT_TRUE(std::equal(found.begin(), found.end(), bytes.begin()));
  EXPECT_TRUE(buffer.find(8, 10).empty());
  EXPECT_TRUE(buffer.find(7 + 16, 10).empty());  // same slot, different seq
}

TEST(RtpRetransmissionBufferTest, PacketStoredAsAResendWaitsTheIntervalBeforeTheNextOne) {
  RtpRetransmissionBuffer buffer(16, 1000);
  const auto bytes = packetBytes(7);
  buffer.store(7, bytes.data(), bytes.size(), 100, true);
  EXPECT_FALSE(buffer.find(7, 110).empty()) << "still there for find()";
  EXPECT_TRUE(buffer.findForResend(7, 110, 50).empty());
  EXPECT_FALSE(buffer.findForResend(7, 160, 50).empty());
  buffer.store(8, bytes.data(), bytes.size(), 100);
  EXPECT_FALSE(buffer.findForResend(8, 101, 50).empty()) << "an ordinary packet is answered at once";
}

TEST(RtpRetransmissionBufferTest, OverwrittenSlotIsGone) {
  RtpRetransmissionBuffer buffer(16, 1000);
  for (uint16_t seq = 0; seq < 20; ++seq) {
    const auto bytes = packetBytes(seq);
    buffer.store(seq, bytes.data(), bytes.size(), seq);
  }
  for (uint16_t seq = 0; seq < 4; ++seq) EXPECT_TRUE(buffer.find(seq, 20).empty()) << seq;
  for (uint16_t seq = 4; seq < 20; ++seq) {
    const auto found = buffer.find(seq, 20);
    ASSERT_EQ(found.size(), 100u) << seq;
    EXPECT_EQ(found[0], static_cast<uint8_t>(seq));
  }
}

TEST(RtpRetransmissionBufferTest, ExpiresByAge) {
  RtpRetransmissionBuffer buffer(16, 1000);
  const auto bytes = packetBytes(1);
  buffer.store(1, bytes.data(), bytes.size(), 5000);
  EXPECT_FALSE(buffer.find(1, 6000).empty());  // exactly maxAge old is still served
  EXPECT_TRUE(buffer.find(1, 6001).empty());
  EXPECT_FALSE(buffer.find(1, 4000).empty());  // a clock that went backwards is not "old"
}

TEST(RtpRetransmissionBufferTest, HandlesWrapAround) {
  // 100 is rounded up to 128, which divides 65536: no slot is reused early across the wrap.
  RtpRetransmissionBuffer buffer(100, 1000);
  EXPECT_EQ(buffer.capacity(), 128u);
  for (uint32_t i = 65500; i < 65536 + 40; ++i) {
    const uint16_t seq = static_cast<uint16_t>(i);
    const auto bytes = packetBytes(seq, 50 + seq % 7);
    buffer.store(seq, bytes.data(), bytes.size(), 0);
  }
  for (uint32_t i = 65500; i < 65536 + 40; ++i) {
    const uint16_t seq = static_cast<uint16_t>(i);
    const auto found = buffer.find(seq, 0);
    ASSERT_EQ(found.size(), 50u + seq % 7) << seq;
    EXPECT_EQ(found[0], static_cast<uint8_t>(seq));
  }
}

TEST(RtpRetransmissionBufferTest, IgnoresOversizedAndEmptyPackets) {
  RtpRetransmissionBuffer buffer(16, 1000);
  const std::vector<uint8_t> big(RtpRetransmissionBuffer::kMaxPacketSize + 1, 0xAB);
  buffer.store(3, big.data(), big.size(), 0);
  EXPECT_TRUE(buffer.find(3, 0).empty());
  const std::vector<uint8_t> max(RtpRetransmissionBuffer::kMaxPacketSize, 0xCD);
  buffer.store(3, max.data(), max.size(), 0);
  EXPECT_EQ(buffer.find(3, 0).size(), RtpRetransmissionBuffer::kMaxPacketSize);
  buffer.store(4, nullptr, 10, 0);
  EXPECT_TRUE(buffer.find(4, 0).empty());
}

TEST(RtpRetransmissionBufferTest, ClearForgetsEverything) {
  RtpRetransmissionBuffer buffer(16, 1000);
  const auto bytes = packetBytes(9);
  buffer.store(9, bytes.data(), bytes.size(), 0);
  buffer.clear();
  EXPECT_TRUE(buffer.find(9, 0).empty());
  EXPECT_EQ(buffer.capacity(), 16u);
}

TEST(RtpRetransmissionBufferTest, ZeroCapacityIsUsable) {
  RtpRetransmissionBuffer buffer(0, 1000);
  const auto bytes = packetBytes(9);
  buffer.store(9, bytes.data(), bytes.size(), 0);
  EXPECT_EQ(buffer.find(9, 0).size(), bytes.size());
  EXPECT_EQ(buffer.capacity(), 1u);
}

TEST(RtpRetransmissionBufferTest, PacketsShareOneByteRingAndGoWhenItsBytesAreWrittenOver) {
  // Room for four 1000-byte packets (the floor is one maximum-size packet, 1500): 64 index slots, 4000 bytes.
  RtpRetransmissionBuffer buffer(64, 1000, 4000);
  EXPECT_EQ(buffer.byteCapacity(), 4000u);
  std::vector<uint8_t> packet(1000);
  for (uint16_t seq = 0; seq < 6; ++seq) {
    std::fill(packet.begin(), packet.end(), static_cast<uint8_t>(seq));
    buffer.store(seq, packet.data(), packet.size(), 0);
  }
  EXPECT_TRUE(buffer.find(0, 0).empty()) << "its index slot is intact but its bytes were reused";
  EXPECT_TRUE(buffer.find(1, 0).empty());
  for (uint16_t seq = 2; seq < 6; ++seq) {
    const auto found = buffer.find(seq, 0);
    ASSERT_EQ(found.size(), 1000u) << seq;
    EXPECT_EQ(found.front(), seq);
    EXPECT_EQ(found.back(), seq);
  }
}

TEST(RtpRetransmissionBufferTest, SmallPacketsPackTightlyAndNeverSplitAtTheRingEnd) {
  RtpRetransmissionBuffer buffer(64, 1000, 1500);
  std::vector<uint8_t> packet(700);
  for (uint16_t seq = 0; seq < 3; ++seq) {
    std::fill(packet.begin(), packet.end(), static_cast<uint8_t>(0x40 + seq));
    buffer.store(seq, packet.data(), packet.size(), 0);
  }
  // 0 at [0,700), 1 at [700,1400), 2 does not fit the 100-byte tail: it starts over at 0, replacing 0.
  EXPECT_TRUE(buffer.find(0, 0).empty());
  ASSERT_EQ(buffer.find(1, 0).size(), 700u);
  EXPECT_EQ(buffer.find(1, 0).front(), 0x41);
  const auto two = buffer.find(2, 0);
  ASSERT_EQ(two.size(), 700u);
  EXPECT_TRUE(std::all_of(two.begin(), two.end(), [](uint8_t b) { return b == 0x42; }));
}

}  // namespace
}  // namespace rooms::rtc
