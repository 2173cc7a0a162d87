// Opus payloads (RFC 7587) pass through as frames when their framing (RFC 6716 section 3) holds.
#include "recording/OpusDepacketizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "DepacketizerFeed.h"

namespace rooms::recording {
namespace {

// TOC bytes: config 15 (hybrid FB 20 ms) and config 31 (CELT FB 20 ms), config 3 (SILK 60 ms).
constexpr uint8_t kHybrid20 = 15 << 3;
constexpr uint8_t kCelt20 = 31 << 3;
constexpr uint8_t kSilk60 = 3 << 3;
constexpr uint8_t kCelt2_5 = 16 << 3;

bool valid(const std::vector<uint8_t>& p) {
  return OpusDepacketizer::isValidPacket(p);
}

TEST(OpusDepacketizerTest, EachPayloadIsAKeyFrame) {
  OpusDepacketizer opus;
  DepacketizerFeed feed(opus);
  const std::vector<uint8_t> payload = {kHybrid20, 0x11, 0x22, 0x33};
  auto frame = feed.push(payload, 960, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, payload);
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(frame->timestamp, 960u);
  EXPECT_EQ(frame->arrivalMs, feed.nowMs());
  // Neither a loss before it nor a missing marker matters: a frame never spans packets.
  frame = feed.push({kHybrid20, 0x44}, 2880, false, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, (std::vector<uint8_t>{kHybrid20, 0x44}));
  EXPECT_EQ(opus.incompleteFrames(), 0u);
}

TEST(OpusDepacketizerTest, EmptyPayloadIsNothing) {
  OpusDepacketizer opus;
  DepacketizerFeed feed(opus);
  EXPECT_FALSE(feed.push({}, 960, false));
  EXPECT_EQ(opus.malformed(), 0u);
  // A TOC byte alone is a valid packet (a frame of zero bytes: DTX).
  EXPECT_TRUE(feed.push({kCelt20}, 1920, false));
}

TEST(OpusDepacketizerTest, MalformedPacketsAreRefusedAndCounted) {
  OpusDepacketizer opus;
  DepacketizerFeed feed(opus);
  EXPECT_FALSE(feed.push({kCelt20 | 1, 0x01, 0x02, 0x03}, 960, false));  // code 1: odd bytes for two frames
  EXPECT_EQ(opus.malformed(), 1u);
  EXPECT_EQ(opus.incompleteFrames(), 1u);
  EXPECT_TRUE(feed.push({kCelt20 | 1, 0x01, 0x02}, 1920, false));
  EXPECT_EQ(opus.malformed(), 1u);
}

TEST(OpusDepacketizerTest, FramingRules) {
  EXPECT_FALSE(valid({}));                                   // R1
  EXPECT_TRUE(valid(std::vector<uint8_t>(1276, kCelt20)));   // code 0: 1275 bytes
  EXPECT_FALSE(valid(std::vector<uint8_t>(1277, kCelt20)));  // R2
  EXPECT_TRUE(valid({kCelt20 | 1}));                         // code 1: two empty frames
  EXPECT_FALSE(valid({kCelt20 | 1, 0}));                     // R3
  // Code 2: the first length, one byte below 252, two bytes from 252 (first + 4 * second).
  EXPECT_TRUE(valid({kCelt20 | 2, 2, 0xA, 0xB, 0xC}));
  EXPECT_TRUE(valid({kCelt20 | 2, 0}));
  EXPECT_FALSE(valid({kCelt20 | 2, 4, 0xA, 0xB, 0xC}));  // R4: past the end
  EXPECT_FALSE(valid({kCelt20 | 2}));                    // no length
  EXPECT_FALSE(valid({kCelt20 | 2, 252}));               // two-byte length cut
  std::vector<uint8_t> twoByte = {kCelt20 | 2, 253, 1};  // 257 bytes, then 3
  twoByte.resize(twoByte.size() + 257 + 3, 0x55);
  EXPECT_TRUE(valid(twoByte));
  twoByte.resize(twoByte.size() - 4);  // 256 bytes left for the 257-byte frame
  EXPECT_FALSE(valid(twoByte));
  // Code 3 CBR: M frames of equal size, after padding is taken off the end.
  EXPECT_TRUE(valid({kCelt20 | 3, 3, 1, 2, 3, 4, 5, 6}));
  EXPECT_FALSE(valid({kCelt20 | 3, 3, 1, 2, 3, 4, 5}));  // R6
  EXPECT_FALSE(valid({kCelt20 | 3, 0}));                 // R5: no frame
  EXPECT_FALSE(valid({kCelt20 | 3}));                    // no frame count
  EXPECT_TRUE(valid({kCelt20 | 3, 6}));                  // 6 x 20 ms = 120 ms
  EXPECT_FALSE(valid({kCelt20 | 3, 7}));                 // R5: 140 ms
  EXPECT_TRUE(valid({kSilk60 | 3, 2}));
  EXPECT_FALSE(valid({kSilk60 | 3, 3}));
  EXPECT_TRUE(valid({kCelt2_5 | 3, 48}));
  EXPECT_FALSE(valid({kCelt2_5 | 3, 49}));
  // Padding: 0x40 flag, then lengths (255 = 254 and more follows).
  EXPECT_TRUE(valid({kCelt20 | 3, 0x40 | 1, 2, 0xA, 0, 0}));
  EXPECT_TRUE(valid({kCelt20 | 3, 0x40 | 1, 3, 0xA, 0, 0}));   // all padding: one empty frame
  EXPECT_FALSE(valid({kCelt20 | 3, 0x40 | 1, 4, 0xA, 0, 0}));  // padding past the end
  EXPECT_FALSE(valid({kCelt20 | 3, 0x40 | 1, 255}));           // padding length cut
  std::vector<uint8_t> longPad = {kCelt20 | 3, 0x40 | 1, 255, 1, 0xA};
  longPad.resize(longPad.size() + 255, 0);
  EXPECT_TRUE(valid(longPad));
  // Code 3 VBR: M - 1 lengths, the last frame takes the rest.
  EXPECT_TRUE(valid({kCelt20 | 3, 0x80 | 3, 1, 2, 0xA, 0xB, 0xB, 0xC}));
  EXPECT_FALSE(valid({kCelt20 | 3, 0x80 | 3, 1, 9, 0xA, 0xB}));        // R7
  EXPECT_FALSE(valid({kCelt20 | 3, 0x80 | 3, 1}));                     // lengths cut
  EXPECT_FALSE(valid({kCelt20 | 3, 0xC0 | 2, 2, 3, 0xA, 0xB, 0, 0}));  // lengths run into the padding
}

}  // namespace
}  // namespace rooms::recording
