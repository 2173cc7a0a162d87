// RTP timestamps onto one clock: unwrapping past 2^32, sender reports, and the arrival fallback.
#include "recording/TrackClock.h"

#include <gtest/gtest.h>

namespace rooms::recording {
namespace {

TEST(TrackClockTest, UnwrapsAcrossTheWrapBothWays) {
  TrackClock c(90000);
  EXPECT_EQ(c.unwrap(0xFFFFFF00u), 0xFFFFFF00LL);
  EXPECT_EQ(c.unwrap(0x00000100u), 0x100000100LL);
  // A late timestamp from before the wrap stays in the previous cycle.
  EXPECT_EQ(c.unwrap(0xFFFFFFF0u), 0xFFFFFFF0LL);
  EXPECT_EQ(c.unwrap(0x00000200u), 0x100000200LL);
}

TEST(TrackClockTest, ArrivalMapsTimestampsFromTheFirstPacket) {
  TrackClock c(48000);
  EXPECT_FALSE(c.arrivalMs(1000));
  c.onPacket(48000, 5000);
  EXPECT_EQ(*c.arrivalMs(48000), 5000);
  EXPECT_EQ(*c.arrivalMs(48000 + 960), 5020);
  c.onPacket(48000 + 96000, 9999);  // later arrivals do not move the anchor
  EXPECT_EQ(*c.arrivalMs(48000 + 48000), 6000);
}

TEST(TrackClockTest, SenderReportsPutTwoStreamsOnTheSenderClock) {
  // Audio and video of one sender: different RTP origins, one NTP clock.
  TrackClock audio(48000);
  TrackClock video(90000);
  const uint64_t ntp = (uint64_t{3900000000} << 32) | 0x80000000u;  // .5 s
  audio.onSenderReport(ntp, 1000);
  video.onSenderReport(ntp, 777777);
  EXPECT_TRUE(audio.hasSenderReport());
  // The same capture instant 100 ms later, in each stream's units.
  EXPECT_EQ(*audio.senderMs(1000 + 4800), *video.senderMs(777777 + 9000));
  EXPECT_EQ(*audio.senderMs(1000) + 100, *audio.senderMs(1000 + 4800));
  EXPECT_EQ(TrackClock::ntpToMs(ntp), 3900000000LL * 1000 + 500);
}

}  // namespace
}  // namespace rooms::recording
