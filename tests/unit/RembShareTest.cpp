// The publisher's part of a subscriber's estimate: its own audio stays in (its browser takes it off), other
// sources' audio is kept out, video splits the rest.
#include <gtest/gtest.h>

#include "rtc/bwe/RembShare.h"

namespace rooms::rtc {
namespace {

TEST(RembShareTest, TwoPartyCallGivesThePublisherTheWholeEstimate) {
  // The client receives the coach's audio and video only: all of the client's link is the coach's to fill.
  const RembShare share{.otherAudioStreams = 0, .videoStreams = 1, .publisherVideoStreams = 1};
  EXPECT_EQ(share.of(300'000), 300'000u);
}

TEST(RembShareTest, TheOrbsVoiceIsKeptOut) {
  // Coach and orb in the client's room: the orb's audio comes from the server, not the coach's browser.
  const RembShare share{.otherAudioStreams = 1, .videoStreams = 1, .publisherVideoStreams = 1};
  EXPECT_EQ(share.of(300'000), 300'000u - RembShare::kAudioReserveBps);
}

TEST(RembShareTest, VideoOfSeveralPublishersSplitsWhatIsLeft) {
  // A camera and a screen share from the publisher, a camera from someone else with their audio.
  const RembShare share{.otherAudioStreams = 1, .videoStreams = 3, .publisherVideoStreams = 2};
  EXPECT_EQ(share.of(648'000), (648'000u - 48'000u) / 3 * 2);
  const RembShare other{.otherAudioStreams = 1, .videoStreams = 3, .publisherVideoStreams = 1};
  EXPECT_EQ(other.of(648'000), (648'000u - 48'000u) / 3);
}

TEST(RembShareTest, OthersAudioNeverTakesMoreThanHalf) {
  const RembShare share{.otherAudioStreams = 4, .videoStreams = 1, .publisherVideoStreams = 1};
  EXPECT_EQ(share.of(100'000), 50'000u);
  EXPECT_EQ(share.of(0), 0u);
}

TEST(RembShareTest, RedundantAudioCopiesAreKeptOut) {
  // The client takes the coach's audio as RED: the coach's browser budgets the Opus encoder, and the
  // redundant copy rides on top of what REMB allows.
  const RembShare own{
      .otherAudioStreams = 0, .videoStreams = 1, .publisherVideoStreams = 1, .redAudioStreams = 1};
  EXPECT_EQ(own.of(300'000), 300'000u - RembShare::kRedundancyBps);
  // The orb's voice too, as RED: its reserve and its copy.
  const RembShare both{
      .otherAudioStreams = 1, .videoStreams = 1, .publisherVideoStreams = 1, .redAudioStreams = 2};
  EXPECT_EQ(both.of(300'000), 300'000u - RembShare::kAudioReserveBps - 2 * RembShare::kRedundancyBps);
  EXPECT_EQ(both.of(100'000), 50'000u);
}

TEST(RembShareTest, NoVideoCountedStillGivesAShare) {
  // The subscriber's consumers not linked yet: the publisher is still told something sensible.
  const RembShare share{};
  EXPECT_EQ(share.of(200'000), 200'000u);
}

}  // namespace
}  // namespace rooms::rtc
