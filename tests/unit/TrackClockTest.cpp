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

TEST(TrackClockTest, JitteringReportsAreSmoothedByTheirMedian) {
  // One report a second whose NTP time is off by up to +-15 ms (one of them by 80 ms): the mapping stays
  // within half that jitter of the true clock instead of jumping with each report (by 80 ms at the fifth).
  TrackClock audio(48000);
  const int64_t jitterMs[] = {0, 12, -15, 7, 80, -9, 14, -4, 3, -12, 10, 0};
  const uint64_t base = uint64_t{3900000000} << 32;
  const auto ntpAt = [&](int64_t ms) { return base + (static_cast<uint64_t>(ms) << 32) / 1000; };
  for (int i = 0; i < 12; ++i) {
    audio.onSenderReport(ntpAt(i * 1000 + jitterMs[i]), static_cast<uint32_t>(1000 + i * 48000));
    if (i >= 4) {
      const int64_t truth = TrackClock::ntpToMs(ntpAt(i * 1000 + 500));
      EXPECT_LE(std::abs(*audio.senderMs(static_cast<uint32_t>(1000 + i * 48000 + 24000)) - truth), 8) << i;
    }
  }
}

TEST(TrackClockTest, AReportFarFromTheOthersRestartsTheWindow) {
  // A sender that restarted its clocks: the new mapping applies at once, not after half the window.
  TrackClock video(90000);
  const uint64_t base = uint64_t{3900000000} << 32;
  for (int i = 0; i < 5; ++i)
    video.onSenderReport(base + (uint64_t{static_cast<uint32_t>(i)} << 32), 90000u * i);
  video.onSenderReport(base + (uint64_t{100} << 32), 0);
  EXPECT_EQ(*video.senderMs(0), TrackClock::ntpToMs(base + (uint64_t{100} << 32)));
}

}  // namespace
}  // namespace rooms::recording
