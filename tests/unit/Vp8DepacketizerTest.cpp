// VP8 payloads (RFC 7741) as Chrome sends them, and what a hostile publisher could send instead.
#include "recording/Vp8Depacketizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "DepacketizerFeed.h"

namespace rooms::recording {
namespace {

// A key frame's first bytes (RFC 6386 section 9.1): frame tag with P=0, start code, 640x480.
const std::vector<uint8_t> kKeyFrame = {0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01, 0xAA};
// An inter frame's tag has P=1.
const std::vector<uint8_t> kInterFrame = {0x31, 0x02, 0x00, 0xBB, 0xCC};

// S=1, PID=0: the first packet of a frame.
const std::vector<uint8_t> kStart = {0x10};
const std::vector<uint8_t> kMiddle = {0x00};
// Chrome's descriptor: X, then I with a 15-bit PictureID, L (TL0PICIDX) and T (TID).
const std::vector<uint8_t> kChromeStart = {0x90, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x40};
const std::vector<uint8_t> kChromeMiddle = {0x80, 0xE0, 0x80 | 0x12, 0x34, 0x07, 0x40};

TEST(Vp8DepacketizerTest, SinglePacketKeyFrame) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  auto frame = feed.push(join({kStart, kKeyFrame}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kKeyFrame);
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(frame->timestamp, 3000u);
  frame = feed.push(join({kStart, kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  EXPECT_FALSE(frame->keyFrame);
}

TEST(Vp8DepacketizerTest, MultiPacketFrameWithExtendedDescriptors) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  const std::vector<uint8_t> a(kKeyFrame.begin(), kKeyFrame.begin() + 4);
  const std::vector<uint8_t> b(kKeyFrame.begin() + 4, kKeyFrame.end());
  const std::vector<uint8_t> c = {0x01, 0x02};
  EXPECT_FALSE(feed.push(join({kChromeStart, a}), 3000, false));
  // A later partition's start (S=1, PID=1) continues the frame.
  EXPECT_FALSE(feed.push(join({{0x91, 0xE0, 0x92, 0x34, 0x07, 0x40}, b}), 3000, false));
  auto frame = feed.push(join({kChromeMiddle, c}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, join({kKeyFrame, c}));
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(frame->arrivalMs, feed.nowMs());
  // A 7-bit PictureID, and K (KEYIDX) alone.
  frame = feed.push(join({{0x90, 0x90, 0x05, 0x01}, kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  EXPECT_EQ(vp8.malformed(), 0u);
  EXPECT_EQ(vp8.incompleteFrames(), 0u);
}

TEST(Vp8DepacketizerTest, GapDiscardsThePartialFrame) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  EXPECT_FALSE(feed.push(join({kStart, kKeyFrame}), 3000, false));
  EXPECT_FALSE(feed.push(join({kMiddle, {0x01}}), 3000, true, true));
  EXPECT_EQ(vp8.incompleteFrames(), 1u);
  // The next frame is whole.
  EXPECT_TRUE(feed.push(join({kStart, kInterFrame}), 6000, true));
  // A gap lost the start of this one: its remaining packets are skipped, counted once.
  EXPECT_FALSE(feed.push(join({kMiddle, {0x01}}), 9000, false, true));
  EXPECT_FALSE(feed.push(join({kMiddle, {0x02}}), 9000, true));
  EXPECT_EQ(vp8.incompleteFrames(), 2u);
  EXPECT_TRUE(feed.push(join({kStart, kInterFrame}), 12000, true));
  EXPECT_EQ(vp8.malformed(), 0u);
}

TEST(Vp8DepacketizerTest, FramesThatMissTheirStartAreDiscarded) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  // The recording began mid-frame.
  EXPECT_FALSE(feed.push(join({kMiddle, {0x01}}), 3000, false));
  EXPECT_FALSE(feed.push(join({kMiddle, {0x02}}), 3000, true));
  // A partition start that is not partition 0 does not start a frame either.
  EXPECT_FALSE(feed.push(join({{0x12}, {0x03}}), 6000, true));
  EXPECT_EQ(vp8.incompleteFrames(), 2u);
  EXPECT_TRUE(feed.push(join({kStart, kKeyFrame}), 9000, true));
}

TEST(Vp8DepacketizerTest, NewTimestampWithoutMarkerDiscardsTheOpenFrame) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  EXPECT_FALSE(feed.push(join({kStart, kKeyFrame}), 3000, false));
  auto frame = feed.push(join({kStart, kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  EXPECT_EQ(vp8.incompleteFrames(), 1u);
  // A second start under one timestamp: the first never ended.
  EXPECT_FALSE(feed.push(join({kStart, kInterFrame}), 9000, false));
  EXPECT_TRUE(feed.push(join({kStart, kInterFrame}), 9000, true));
  EXPECT_EQ(vp8.incompleteFrames(), 2u);
}

TEST(Vp8DepacketizerTest, MalformedDescriptorsAreRefused) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  const std::vector<std::vector<uint8_t>> bad = {
      {},                              // nothing
      {0x10},                          // no data after the descriptor
      {0x90},                          // X without its byte
      {0x90, 0x80},                    // I without PictureID
      {0x90, 0x80, 0x80},              // 15-bit PictureID cut
      {0x90, 0x80, 0x80, 0x01},        // nothing after it
      {0x90, 0x40, 0x01},              // L: TL0PICIDX, then nothing
      {0x90, 0x20},                    // T without its byte
      {0x90, 0xF0, 0x80, 0x01, 0x02},  // I, L, T/K: the last byte missing
  };
  uint32_t ts = 3000;
  for (const auto& payload : bad) EXPECT_FALSE(feed.push(payload, ts += 3000, true));
  EXPECT_EQ(vp8.malformed(), bad.size());
  // Mid-frame, a malformed packet loses the frame.
  EXPECT_FALSE(feed.push(join({kStart, kKeyFrame}), ts += 3000, false));
  EXPECT_FALSE(feed.push({0x90}, ts, false));
  EXPECT_FALSE(feed.push(join({kMiddle, {0x01}}), ts, true));
  EXPECT_EQ(vp8.malformed(), bad.size() + 1);
  EXPECT_TRUE(feed.push(join({kStart, kKeyFrame}), ts += 3000, true));
}

TEST(Vp8DepacketizerTest, KeyFrameWithoutStartCodeIsRefused) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  std::vector<uint8_t> fake = kKeyFrame;
  fake[4] = 0x02;
  EXPECT_FALSE(feed.push(join({kStart, fake}), 3000, true));
  EXPECT_FALSE(feed.push(join({kStart, {0x50, 0x00, 0x00, 0x9d}}), 6000, true));  // too short
  EXPECT_EQ(vp8.malformed(), 2u);
  EXPECT_EQ(vp8.incompleteFrames(), 2u);
}

TEST(Vp8DepacketizerTest, FrameLargerThanTheBoundIsDiscarded) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  const std::vector<uint8_t> chunk(1200, 0x77);
  EXPECT_FALSE(feed.push(join({kStart, kInterFrame}), 3000, false));
  size_t size = kInterFrame.size();
  while (size + chunk.size() <= Vp8Depacketizer::kMaxFrameSize) {
    EXPECT_FALSE(feed.push(join({kMiddle, chunk}), 3000, false));
    size += chunk.size();
  }
  EXPECT_EQ(vp8.malformed(), 0u);
  EXPECT_FALSE(feed.push(join({kMiddle, chunk}), 3000, false));
  EXPECT_FALSE(feed.push(join({kMiddle, chunk}), 3000, true));
  EXPECT_EQ(vp8.malformed(), 1u);
  EXPECT_EQ(vp8.incompleteFrames(), 1u);
  EXPECT_TRUE(feed.push(join({kStart, kInterFrame}), 6000, true));
}

TEST(Vp8DepacketizerTest, ResetForgetsThePartialFrame) {
  Vp8Depacketizer vp8;
  DepacketizerFeed feed(vp8);
  EXPECT_FALSE(feed.push(join({kStart, kKeyFrame}), 3000, false));
  vp8.reset();
  EXPECT_FALSE(feed.push(join({kMiddle, {0x01}}), 3000, true));
  auto frame = feed.push(join({kStart, kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
}

}  // namespace
}  // namespace rooms::recording
