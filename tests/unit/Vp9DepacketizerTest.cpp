// VP9 payloads (RFC 9628): Chrome's single spatial layer exactly, spatial layers as a superframe, and the
// descriptors a hostile publisher could send.
#include "recording/Vp9Depacketizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "DepacketizerFeed.h"

namespace rooms::recording {
namespace {

// Descriptor first-byte bits.
constexpr uint8_t I = 0x80, P = 0x40, L = 0x20, F = 0x10, B = 0x08, E = 0x04, V = 0x02;

// Uncompressed headers (VP9 bitstream 6.2), profile 0: frame_marker 10, key frame, sync code 49 83 42.
const std::vector<uint8_t> kKeyFrame = {0x82, 0x49, 0x83, 0x42, 0x00, 0x27, 0xf0, 0x1d, 0xAA};
// frame_type 1: an inter frame.
const std::vector<uint8_t> kInterFrame = {0x86, 0x00, 0x40, 0x92, 0xBB};

// Non-flexible mode as libwebrtc sends one spatial layer: 15-bit PictureID, layer indices and TL0PICIDX.
std::vector<uint8_t> descriptor(uint8_t flags, uint8_t sid = 0) {
  return {static_cast<uint8_t>(I | L | flags), 0x80 | 0x01, 0x23, static_cast<uint8_t>(sid << 1), 0x07};
}

// The scalability structure a key picture carries: one layer, 640x480, a group of one picture.
const std::vector<uint8_t> kScalability = {0x18, 0x02, 0x80, 0x01, 0xE0, 0x01, 0x04, 0x01};

TEST(Vp9DepacketizerTest, SingleLayerKeyFrameWithScalabilityStructure) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  auto frame = feed.push(join({descriptor(B | E | V), kScalability, kKeyFrame}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kKeyFrame);
  EXPECT_TRUE(frame->keyFrame);
  frame = feed.push(join({descriptor(P | B | E), kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  EXPECT_FALSE(frame->keyFrame);
}

TEST(Vp9DepacketizerTest, MultiPacketFrameIsExactlyTheLayerFrame) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  const std::vector<uint8_t> a(kKeyFrame.begin(), kKeyFrame.begin() + 3);
  const std::vector<uint8_t> b(kKeyFrame.begin() + 3, kKeyFrame.begin() + 6);
  const std::vector<uint8_t> c(kKeyFrame.begin() + 6, kKeyFrame.end());
  EXPECT_FALSE(feed.push(join({descriptor(B | V), kScalability, a}), 3000, false));
  EXPECT_FALSE(feed.push(join({descriptor(0), b}), 3000, false));
  auto frame = feed.push(join({descriptor(E), c}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kKeyFrame);
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(frame->timestamp, 3000u);
}

TEST(Vp9DepacketizerTest, DescriptorVariants) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  // Flexible mode, 7-bit PictureID, three reference diffs.
  auto frame =
      feed.push(join({{I | P | L | F | B | E, 0x05, 0x00, 0x03, 0x05, 0x06}, kInterFrame}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  // No optional fields at all.
  frame = feed.push(join({{P | B | E}, kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
  // A scalability structure for three spatial layers with sizes and a group of two pictures, one with two
  // references: N_S=2, Y, G; 3 x 4 bytes; N_G=2; (T=0, R=1) + 1 diff; (T=1, U, R=2) + 2 diffs.
  const std::vector<uint8_t> ss = {0x58, 0, 160, 0, 90,   1, 64,   0, 180, 2,
                                   128,  1, 104, 2, 0x04, 1, 0x38, 1, 2};
  frame = feed.push(join({{I | B | E | V, 0x06}, ss, kKeyFrame}), 9000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kKeyFrame);
  EXPECT_TRUE(frame->keyFrame);
  // An SS with neither sizes nor group: one byte.
  frame = feed.push(join({{B | E | V, 0x00}, kKeyFrame}), 12000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kKeyFrame);
  EXPECT_EQ(vp9.malformed(), 0u);
}

TEST(Vp9DepacketizerTest, KeyFrameNeedsIntraBaseLayerAndAKeyFrameHeader) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  // P=1 with a key frame header: the descriptor does not call it intra.
  auto frame = feed.push(join({descriptor(P | B | E), kKeyFrame}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->keyFrame);
  // P=0 on an inter (intra-only or inter-layer) frame: not a key frame either.
  frame = feed.push(join({descriptor(B | E), kInterFrame}), 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->keyFrame);
  // show_existing_frame: one byte, no key frame.
  frame = feed.push(join({descriptor(B | E), {0x88}}), 9000, true);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->keyFrame);
  // Profile 1 key frame (profile bits 1, 0).
  frame = feed.push(join({descriptor(B | E), {0xA2, 0x49, 0x83, 0x42, 0x00}}), 12000, true);
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->keyFrame);
  // Profile 3 has a reserved bit before show_existing_frame, which moves the sync code off byte boundaries.
  frame = feed.push(join({descriptor(B | E), {0xB1, 0x24, 0xC1, 0xA1, 0x00}}), 15000, true);
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(vp9.malformed(), 0u);
}

TEST(Vp9DepacketizerTest, SpatialLayersBecomeOneSuperframe) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  const std::vector<uint8_t> upper = {0x86, 0x11, 0x22};
  EXPECT_FALSE(feed.push(join({descriptor(B | E, 0), kKeyFrame}), 3000, false));
  // The upper layer in two packets.
  EXPECT_FALSE(feed.push(join({descriptor(B, 1), {upper[0]}}), 3000, false));
  auto frame = feed.push(join({descriptor(E, 1), {upper[1], upper[2]}}), 3000, true);
  ASSERT_TRUE(frame);
  // Both frames, then the index: 110 00 001 (1-byte sizes, 2 frames), the sizes, the marker again.
  EXPECT_EQ(frame->data, join({kKeyFrame, upper, {0xC1, static_cast<uint8_t>(kKeyFrame.size()), 3, 0xC1}}));
  EXPECT_TRUE(frame->keyFrame);
}

TEST(Vp9DepacketizerTest, LargeLayerFramesGetWiderSizesInTheIndex) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  std::vector<uint8_t> big(300, 0x55);
  big[0] = 0x86;
  EXPECT_FALSE(feed.push(join({descriptor(P | B | E, 0), {0x86, 0x01}}), 3000, false));
  auto frame = feed.push(join({descriptor(P | B | E, 1), big}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, join({{0x86, 0x01}, big, {0xC9, 2, 0, 0x2C, 0x01, 0xC9}}));
}

TEST(Vp9DepacketizerTest, GapDiscardsThePartialPicture) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  EXPECT_FALSE(feed.push(join({descriptor(B), kKeyFrame}), 3000, false));
  EXPECT_FALSE(feed.push(join({descriptor(E), {0x01}}), 3000, true, true));
  EXPECT_EQ(vp9.incompleteFrames(), 1u);
  // After a loss a picture starting at an upper layer lacks its base: skipped.
  EXPECT_FALSE(feed.push(join({descriptor(P | B | E, 1), kInterFrame}), 6000, true, true));
  EXPECT_EQ(vp9.incompleteFrames(), 2u);
  EXPECT_TRUE(feed.push(join({descriptor(P | B | E, 0), kInterFrame}), 9000, true));
  EXPECT_EQ(vp9.malformed(), 0u);
}

TEST(Vp9DepacketizerTest, LayerFramesThatMissTheirStartOrEnd) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  // Started mid-frame.
  EXPECT_FALSE(feed.push(join({descriptor(P), {0x01}}), 3000, false));
  EXPECT_FALSE(feed.push(join({descriptor(P | E), {0x02}}), 3000, true));
  EXPECT_EQ(vp9.incompleteFrames(), 1u);
  // A new layer frame before the last one's end.
  EXPECT_FALSE(feed.push(join({descriptor(P | B), kInterFrame}), 6000, false));
  EXPECT_FALSE(feed.push(join({descriptor(P | B | E, 1), kInterFrame}), 6000, true));
  EXPECT_EQ(vp9.incompleteFrames(), 2u);
  // The marker inside a layer frame.
  EXPECT_FALSE(feed.push(join({descriptor(P | B), kInterFrame}), 9000, true));
  EXPECT_EQ(vp9.incompleteFrames(), 3u);
  // A new timestamp without the marker.
  EXPECT_FALSE(feed.push(join({descriptor(P | B | E), kInterFrame}), 12000, false));
  EXPECT_TRUE(feed.push(join({descriptor(P | B | E), kInterFrame}), 15000, true));
  EXPECT_EQ(vp9.incompleteFrames(), 4u);
  EXPECT_EQ(vp9.malformed(), 0u);
}

TEST(Vp9DepacketizerTest, MalformedDescriptorsAreRefused) {
  Vp9Depacketizer vp9;
  DepacketizerFeed feed(vp9);
  const std::vector<std::vector<uint8_t>> bad = {
      {},
      {B | E},                                        // no data
      {I | B | E},                                    // PictureID missing
      {I | B | E, 0x80},                              // 15-bit PictureID cut
      {L | B | E},                                    // layer indices missing
      {L | B | E, 0x00},                              // TL0PICIDX missing (non-flexible)
      {P | F | B | E, 0x03},                          // the N bit promises another diff
      {P | F | B | E, 0x03, 0x03, 0x03, 0x02, 0x86},  // four diffs
      {B | E | V},                                    // SS missing
      {B | E | V, 0x50, 0, 1, 0, 1, 0, 2, 0, 2},      // N_S=2 with sizes: 12 bytes, 8 given
      {B | E | V, 0x08},                              // G without N_G
      {B | E | V, 0x08, 0x02, 0x04},                  // N_G=2, one picture given
      {B | E | V, 0x08, 0x01, 0x08, 0x01},            // R=2, one diff given
      {B | E, 0x42},                                  // frame marker 01, not 10
      {B | E, 0x82, 0x49, 0x83, 0x43},                // key frame, wrong sync code
      {B | E, 0x82, 0x49},                            // key frame header cut
  };
  uint32_t ts = 0;
  for (const auto& payload : bad) EXPECT_FALSE(feed.push(payload, ts += 3000, true)) << ts;
  EXPECT_EQ(vp9.malformed(), bad.size());
  // More layer frames than a superframe index can count.
  const auto layer = join({{B | E}, kInterFrame});
  for (size_t i = 0; i < Vp9Depacketizer::kMaxLayerFrames; ++i) EXPECT_FALSE(feed.push(layer, 99000, false));
  EXPECT_FALSE(feed.push(layer, 99000, true));
  EXPECT_EQ(vp9.malformed(), bad.size() + 1);
  auto frame = feed.push(join({{B | E}, kInterFrame}), 102000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, kInterFrame);
}

}  // namespace
}  // namespace rooms::recording
