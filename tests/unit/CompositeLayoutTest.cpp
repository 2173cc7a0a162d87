// The composite's ffmpeg command: both cameras on their halves at their offsets, every voice mixed.
#include "recording/CompositeLayout.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rooms::recording {
namespace {

std::string graphOf(const std::vector<std::string>& args) {
  auto it = std::find(args.begin(), args.end(), "-filter_complex");
  return it == args.end() || it + 1 == args.end() ? "" : *(it + 1);
}

TEST(CompositeLayoutTest, PlacesCoachLeftClientRightAndMixesEveryVoice) {
  std::vector<CompositeInput> in = {
      {"/r/coach.webm", "coach", true, true, 0, 30000},
      {"/r/client.webm", "client", true, true, 1500, 28000},
      {"/r/orb.webm", "aiOrb", false, true, 4000, 2000},
  };
  const auto args = CompositeLayout::ffmpegArgs(in, "/r/out.webm");
  ASSERT_FALSE(args.empty());
  const std::string g = graphOf(args);
  EXPECT_NE(g.find("[0:v]setpts=PTS+0.000/TB"), std::string::npos) << g;
  EXPECT_NE(g.find("[1:v]setpts=PTS+1.500/TB"), std::string::npos) << g;
  EXPECT_NE(g.find("[base0][v0]overlay=x=0:"), std::string::npos) << g;
  EXPECT_NE(g.find("[base1][v1]overlay=x=640:"), std::string::npos) << g;
  EXPECT_NE(g.find("adelay=4000:all=1[a2]"), std::string::npos) << g;
  EXPECT_NE(g.find("amix=inputs=3"), std::string::npos) << g;
  EXPECT_EQ(CompositeLayout::durationMs(in), 30000);
  EXPECT_EQ(args.back(), "/r/out.webm");
  EXPECT_NE(std::find(args.begin(), args.end(), "30.000"), args.end());
}

TEST(CompositeLayoutTest, OneVoiceNeedsNoMixAndNothingMakesNoCommand) {
  const auto args = CompositeLayout::ffmpegArgs({{"/r/a.webm", "client", false, true, 0, 5000}}, "/o.webm");
  const std::string g = graphOf(args);
  EXPECT_EQ(g.find("amix"), std::string::npos);
  EXPECT_NE(std::find(args.begin(), args.end(), "[a0]"), args.end());
  EXPECT_TRUE(CompositeLayout::ffmpegArgs({}, "/o.webm").empty());
  EXPECT_TRUE(CompositeLayout::ffmpegArgs({{"/r/a.webm", "client", false, false, 0, 0}}, "/o.webm").empty());
}

}  // namespace
}  // namespace rooms::recording
