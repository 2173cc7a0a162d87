// The codec names the recorder gets from the SDP map to their depacketizers.
#include "recording/Depacketizer.h"

#include <gtest/gtest.h>

#include "recording/H264Depacketizer.h"
#include "recording/OpusDepacketizer.h"
#include "recording/Vp8Depacketizer.h"
#include "recording/Vp9Depacketizer.h"

namespace rooms::recording {
namespace {

TEST(DepacketizerTest, MakesOneForEachRecordedCodecWhateverTheCase) {
  EXPECT_NE(dynamic_cast<OpusDepacketizer*>(makeDepacketizer("opus").get()), nullptr);
  EXPECT_NE(dynamic_cast<OpusDepacketizer*>(makeDepacketizer("OPUS").get()), nullptr);
  EXPECT_NE(dynamic_cast<Vp8Depacketizer*>(makeDepacketizer("VP8").get()), nullptr);
  EXPECT_NE(dynamic_cast<Vp8Depacketizer*>(makeDepacketizer("vp8").get()), nullptr);
  EXPECT_NE(dynamic_cast<Vp9Depacketizer*>(makeDepacketizer("Vp9").get()), nullptr);
  EXPECT_NE(dynamic_cast<H264Depacketizer*>(makeDepacketizer("h264").get()), nullptr);
  EXPECT_NE(dynamic_cast<H264Depacketizer*>(makeDepacketizer("H264").get()), nullptr);
}

TEST(DepacketizerTest, NothingForOtherCodecs) {
  EXPECT_EQ(makeDepacketizer(""), nullptr);
  EXPECT_EQ(makeDepacketizer("red"), nullptr);
  EXPECT_EQ(makeDepacketizer("AV1"), nullptr);
  EXPECT_EQ(makeDepacketizer("H265"), nullptr);
  EXPECT_EQ(makeDepacketizer("opus "), nullptr);
  EXPECT_EQ(makeDepacketizer("VP"), nullptr);
}

}  // namespace
}  // namespace rooms::recording
