// H264 payloads in packetization mode 1 (RFC 6184) as browsers send them, written out as Annex B, and the
// packet types and shapes that are refused.
#include "recording/H264Depacketizer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "DepacketizerFeed.h"

namespace rooms::recording {
namespace {

const std::vector<uint8_t> kStartCode = {0, 0, 0, 1};
// NAL units: header byte (F=0, NRI, type), then a body. Slices begin with first_mb_in_slice: 0 is the bit
// 1, so 0x88 opens a picture and 0x4D (first_mb_in_slice 1 or more) continues one.
const std::vector<uint8_t> kSps = {0x67, 0x42, 0xC0, 0x1F, 0xDA, 0x01, 0x40, 0x16, 0xE8};
const std::vector<uint8_t> kSps2 = {0x67, 0x42, 0xC0, 0x28, 0xDA};
const std::vector<uint8_t> kPps = {0x68, 0xCE, 0x3C, 0x80};
const std::vector<uint8_t> kIdr = {0x65, 0x88, 0x84, 0x00, 0x33, 0xFF, 0x10, 0x20, 0x30, 0x40};
const std::vector<uint8_t> kSlice = {0x41, 0x9A, 0x02, 0x03};
const std::vector<uint8_t> kSecondSlice = {0x41, 0x4D, 0x05, 0x06};

std::vector<uint8_t> annexB(std::initializer_list<std::vector<uint8_t>> nals) {
  std::vector<uint8_t> out;
  for (const auto& nal : nals) out = join({out, kStartCode, nal});
  return out;
}

std::vector<uint8_t> stapA(std::initializer_list<std::vector<uint8_t>> nals) {
  std::vector<uint8_t> out = {0x78};  // NRI 3, type 24
  for (const auto& nal : nals) {
    out.push_back(static_cast<uint8_t>(nal.size() >> 8));
    out.push_back(static_cast<uint8_t>(nal.size()));
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

// FU-A fragment of nal's body [from, to): the indicator carries F and NRI, the FU header S, E and the type.
std::vector<uint8_t> fuA(const std::vector<uint8_t>& nal, size_t from, size_t to, bool start, bool end) {
  std::vector<uint8_t> out = {static_cast<uint8_t>((nal[0] & 0xE0) | 28),
                              static_cast<uint8_t>((start ? 0x80 : 0) | (end ? 0x40 : 0) | (nal[0] & 0x1F))};
  out.insert(out.end(), nal.begin() + static_cast<std::ptrdiff_t>(1 + from),
             nal.begin() + static_cast<std::ptrdiff_t>(1 + to));
  return out;
}

TEST(H264DepacketizerTest, SingleNalUnitFrame) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  auto frame = feed.push(kSlice, 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, annexB({kSlice}));
  EXPECT_FALSE(frame->keyFrame);
  EXPECT_TRUE(h264.sps().empty());
}

TEST(H264DepacketizerTest, StapAWithSpsPpsAndIdr) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  auto frame = feed.push(stapA({kSps, kPps, kIdr}), 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, annexB({kSps, kPps, kIdr}));
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(std::vector<uint8_t>(h264.sps().begin(), h264.sps().end()), kSps);
  EXPECT_EQ(std::vector<uint8_t>(h264.pps().begin(), h264.pps().end()), kPps);
}

TEST(H264DepacketizerTest, FuASplitIdrAfterParameterSets) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  const size_t body = kIdr.size() - 1;
  EXPECT_FALSE(feed.push(stapA({kSps, kPps}), 3000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 3000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 3, 6, false, false), 3000, false));
  auto frame = feed.push(fuA(kIdr, 6, body, false, true), 3000, true);
  ASSERT_TRUE(frame);
  // The NAL header comes back from the FU indicator (F, NRI) and FU header (type).
  EXPECT_EQ(frame->data, annexB({kSps, kPps, kIdr}));
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(h264.malformed(), 0u);
}

TEST(H264DepacketizerTest, ParameterSetsAreRetained) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  ASSERT_TRUE(feed.push(stapA({kSps, kPps, kIdr}), 3000, true));
  auto frame = feed.push(kSlice, 6000, true);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->keyFrame);
  EXPECT_EQ(std::vector<uint8_t>(h264.sps().begin(), h264.sps().end()), kSps);
  // An IDR alone decodes with the parameter sets seen before.
  frame = feed.push(kIdr, 9000, true);
  ASSERT_TRUE(frame);
  EXPECT_TRUE(frame->keyFrame);
  EXPECT_EQ(frame->data, annexB({kIdr}));
  // A newer SPS replaces the old one once its access unit is emitted; a discarded one is not kept.
  EXPECT_FALSE(feed.push(stapA({kSps2, kPps}), 12000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 12000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 6, 9, false, true), 12000, true, true));
  EXPECT_EQ(std::vector<uint8_t>(h264.sps().begin(), h264.sps().end()), kSps);
  ASSERT_TRUE(feed.push(stapA({kSps2, kPps, kIdr}), 15000, true));
  EXPECT_EQ(std::vector<uint8_t>(h264.sps().begin(), h264.sps().end()), kSps2);
  h264.reset();
  EXPECT_EQ(std::vector<uint8_t>(h264.pps().begin(), h264.pps().end()), kPps);
}

TEST(H264DepacketizerTest, IdrWithoutParameterSetsIsNoKeyFrame) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  auto frame = feed.push(kIdr, 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_FALSE(frame->keyFrame);
}

TEST(H264DepacketizerTest, AccessUnitOfSeveralPackets) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  EXPECT_FALSE(feed.push(kSlice, 3000, false));
  auto frame = feed.push(kSecondSlice, 3000, true);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->data, annexB({kSlice, kSecondSlice}));
  EXPECT_EQ(frame->timestamp, 3000u);
  EXPECT_EQ(frame->arrivalMs, feed.nowMs());
}

TEST(H264DepacketizerTest, GapDiscardsThePartialAccessUnit) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 3000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 6, 9, false, true), 3000, true, true));
  EXPECT_EQ(h264.incompleteFrames(), 1u);
  // After a loss, an access unit whose first packet may have been lost is skipped: this slice does not
  // begin the picture.
  EXPECT_FALSE(feed.push(kSecondSlice, 6000, true, true));
  EXPECT_EQ(h264.incompleteFrames(), 2u);
  // One that visibly opens an access unit is taken: the first slice, or the parameter sets.
  EXPECT_TRUE(feed.push(kSlice, 9000, true, true));
  EXPECT_TRUE(feed.push(stapA({kSps, kPps, kIdr}), 12000, true, true));
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 15000, false, true));
  EXPECT_TRUE(feed.push(fuA(kIdr, 3, 9, false, true), 15000, true));
  EXPECT_EQ(h264.incompleteFrames(), 2u);
  EXPECT_EQ(h264.malformed(), 0u);
}

TEST(H264DepacketizerTest, AccessUnitsThatMissTheirStart) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  // The stream's first packet is judged as after a loss: recording may begin mid access unit.
  EXPECT_FALSE(feed.push(kSecondSlice, 3000, true));
  EXPECT_EQ(h264.incompleteFrames(), 1u);
  // An FU-A whose first fragment is missing.
  EXPECT_FALSE(feed.push(fuA(kIdr, 3, 6, false, false), 6000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 6, 9, false, true), 6000, true));
  EXPECT_EQ(h264.incompleteFrames(), 2u);
  // Fragments out of place inside an access unit: a new NAL unit before the fragmented one ended, and a
  // fragment with no fragmented NAL unit open.
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 9000, false));
  EXPECT_FALSE(feed.push(kSecondSlice, 9000, true));
  EXPECT_FALSE(feed.push(kSlice, 12000, false));
  EXPECT_FALSE(feed.push(fuA(kIdr, 6, 9, false, true), 12000, true));
  // The marker inside a fragmented NAL unit.
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), 15000, true));
  EXPECT_EQ(h264.incompleteFrames(), 5u);
  EXPECT_EQ(h264.malformed(), 0u);
  EXPECT_TRUE(feed.push(kSlice, 18000, true));
}

TEST(H264DepacketizerTest, RefusedPacketTypesAndShapes) {
  H264Depacketizer h264;
  DepacketizerFeed feed(h264);
  std::vector<uint8_t> bigSps(H264Depacketizer::kMaxParameterSetSize + 1, 0x11);
  bigSps[0] = 0x67;
  const std::vector<std::vector<uint8_t>> bad = {
      {},
      {0x60, 0x01},                                // type 0
      {0x79, 0x00, 0x00, 0x00, 0x01, 0x41},        // STAP-B (25)
      {0x7A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // MTAP16 (26)
      {0x7B, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // MTAP24 (27)
      {0x7D, 0x85, 0x00, 0x00, 0x88},              // FU-B (29)
      {0x7E, 0x01},                                // 30
      {0x7F, 0x01},                                // 31
      {0xC1, 0x9A},                                // forbidden bit
      {0x78},                                      // STAP-A with no unit
      {0x78, 0x00},                                // size cut
      {0x78, 0x00, 0x05, 0x41, 0x9A},              // size past the end
      {0x78, 0x00, 0x00, 0x00, 0x02, 0x41, 0x9A},  // empty unit
      {0x78, 0x00, 0x02, 0x41, 0x9A, 0x00},        // one trailing byte
      {0x78, 0x00, 0x02, 0x78, 0x00},              // a STAP-A inside
      {0x78, 0x00, 0x02, 0xC1, 0x9A},              // forbidden bit inside
      {0x7C, 0x85},                                // FU-A with no data
      {0x7C, 0xC5, 0x88},                          // S and E together
      {0x7C, 0x98, 0x88},                          // fragment of a STAP-A
      {0x7C, 0x80, 0x88},                          // fragment of type 0
      {0xFC, 0x85, 0x88},                          // forbidden bit in the indicator
      stapA({bigSps, kPps, kIdr}),                 // oversized parameter set
  };
  uint32_t ts = 0;
  for (const auto& payload : bad) EXPECT_FALSE(feed.push(payload, ts += 3000, true)) << ts;
  EXPECT_EQ(h264.malformed(), bad.size());
  EXPECT_TRUE(h264.sps().empty());
  // A fragment whose type changes midway.
  EXPECT_FALSE(feed.push(fuA(kIdr, 0, 3, true, false), ts += 3000, false));
  EXPECT_FALSE(feed.push(fuA(kSlice, 1, 3, false, true), ts, true));
  EXPECT_EQ(h264.malformed(), bad.size() + 1);
  EXPECT_TRUE(feed.push(kSlice, ts += 3000, true));
}

}  // namespace
}  // namespace rooms::recording
