// What the orb said of a reply it gave up: whole sentences up to the one cut off, then that sentence's words
// in proportion to the frames played.
#include "ai/orb/SpokenText.h"

#include <gtest/gtest.h>

#include <vector>

namespace rooms::ai {
namespace {

const std::vector<SpokenPart> kReply = {
    {"Let's look at your week.", 50},              // frames 0-49
    {"What matters most to you right now?", 150},  // frames 50-149
};

TEST(SpokenText, AllOfItWhenPlayedToTheEnd) {
  EXPECT_EQ(spokenText(kReply, 150), "Let's look at your week. What matters most to you right now?");
  EXPECT_EQ(spokenText(kReply, 400), "Let's look at your week. What matters most to you right now?");
}

TEST(SpokenText, NothingBeforeTheFirstWordIsOut) {
  EXPECT_EQ(spokenText(kReply, 0), "");
  EXPECT_EQ(spokenText(kReply, 3), "") << "\"Let's\" is 5 of 20 letters: 12.5 frames";
}

TEST(SpokenText, WholeSentencesThenTheWordsPlayedOfTheOneCutOff) {
  EXPECT_EQ(spokenText(kReply, 50), "Let's look at your week.");
  // The second sentence has 29 letters over 100 frames; half of it is 14.5 letters: "What matters" (11),
  // not "most" (15).
  EXPECT_EQ(spokenText(kReply, 100), "Let's look at your week. What matters");
  EXPECT_EQ(spokenText(kReply, 149), "Let's look at your week. What matters most to you right");
}

TEST(SpokenText, ARoughCutInsideTheFirstSentence) {
  // 20 letters over 50 frames: 30 frames are 12 letters, "Let's look at" (11) but not "your" (15); 20
  // frames are 8, "Let's" (5) but not "look" (9).
  EXPECT_EQ(spokenText(kReply, 30), "Let's look at");
  EXPECT_EQ(spokenText(kReply, 20), "Let's");
}

TEST(SpokenText, NoPartsNoWords) {
  EXPECT_EQ(spokenText({}, 100), "");
}

}  // namespace
}  // namespace rooms::ai
