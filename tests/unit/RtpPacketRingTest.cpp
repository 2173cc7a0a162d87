// The single-producer single-consumer ring between the media thread and the recorder, the speech pipeline
// and the orb: full rings drop and count, slots come out in order across the wrap, and a producer and a
// consumer on two threads see every packet once, intact.
#include "rtc/router/RtpPacketRing.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rooms::rtc {
namespace {

TEST(RtpPacketRingTest, AFullRingDropsAndCountsUntilTheReaderCatchesUp) {
  RtpPacketRing ring(3);  // rounded up to 4
  EXPECT_EQ(ring.capacity(), 4u);
  const std::vector<uint8_t> payload{1, 2, 3};
  for (uint16_t i = 0; i < 4; ++i) EXPECT_TRUE(ring.push(i, i, i * 960u, false, 127, payload));
  EXPECT_FALSE(ring.push(9, 9, 0, false, 127, payload));
  EXPECT_FALSE(ring.pushSenderReport(9, 1, 2));
  EXPECT_EQ(ring.dropped(), 2u);
  ASSERT_NE(ring.front(), nullptr);
  EXPECT_EQ(ring.front()->sequence, 0);
  ring.pop();
  EXPECT_TRUE(ring.pushSenderReport(10, 0xABCDull << 32, 4242));
  EXPECT_FALSE(ring.push(11, 11, 0, false, 127, std::vector<uint8_t>(RtpPacketRing::kMaxPayload + 1)));
  EXPECT_EQ(ring.dropped(), 3u);
  for (uint16_t i = 1; i < 4; ++i) {
    ASSERT_NE(ring.front(), nullptr);
    EXPECT_EQ(ring.front()->type, RtpPacketRing::SlotType::Media);
    EXPECT_EQ(ring.front()->sequence, i);
    EXPECT_EQ(ring.front()->bytes().size(), 3u);
    ring.pop();
  }
  ASSERT_NE(ring.front(), nullptr);
  EXPECT_EQ(ring.front()->type, RtpPacketRing::SlotType::SenderReport);
  EXPECT_EQ(ring.front()->ntp, 0xABCDull << 32);
  EXPECT_EQ(ring.front()->timestamp, 4242u);
  ring.pop();
  EXPECT_EQ(ring.front(), nullptr);
  EXPECT_EQ(ring.size(), 0u);
}

TEST(RtpPacketRingTest, TwoThreadsSeeEveryPacketOnceAndIntact) {
  RtpPacketRing ring(64);
  constexpr uint32_t kPackets = 200000;
  std::thread producer([&] {
    std::vector<uint8_t> payload(100);
    for (uint32_t i = 0; i < kPackets;) {
      for (auto& b : payload) b = static_cast<uint8_t>(i);
      // A full ring drops; the producer here retries so that the consumer must see every number.
      if (ring.push(0, static_cast<uint16_t>(i), i, false, 127, payload)) {
        ++i;
      } else {
        std::this_thread::yield();
      }
    }
  });
  uint32_t expected = 0;
  while (expected < kPackets) {
    const auto* slot = ring.front();
    if (!slot) {
      std::this_thread::yield();
      continue;
    }
    ASSERT_EQ(slot->timestamp, expected);
    ASSERT_EQ(slot->bytes().size(), 100u);
    ASSERT_EQ(slot->bytes()[99], static_cast<uint8_t>(expected));
    ring.pop();
    ++expected;
  }
  producer.join();
  EXPECT_EQ(ring.front(), nullptr);
}

}  // namespace
}  // namespace rooms::rtc
