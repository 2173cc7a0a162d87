#include "rtc/rtp/RtpTime.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace rooms::rtc {
namespace {

TEST(RtpTimeTest, MsToRtpTicks) {
  EXPECT_EQ(msToRtpTicks(1000, 90000), 90000u);
  EXPECT_EQ(msToRtpTicks(20, 48000), 960u);
  EXPECT_EQ(msToRtpTicks(1, 8000), 8u);
  // Wraps modulo 2^32 exactly: 2^32 / 90 ms is not whole, so check against 64-bit arithmetic.
  const int64_t ms = 100'000'000;
  EXPECT_EQ(msToRtpTicks(ms, 90000), static_cast<uint32_t>(static_cast<uint64_t>(ms) * 90));
  EXPECT_EQ(msToRtpTicks(-1000, 90000), static_cast<uint32_t>(-90000));
  EXPECT_EQ(msToRtpTicks(-1, 8000), static_cast<uint32_t>(-8));
}

TEST(RtpTimeTest, ElapsedMsSaturates) {
  EXPECT_EQ(elapsedMs(100, 250), 150);
  EXPECT_EQ(elapsedMs(250, 100), 0);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(elapsedMs(kMin, kMax), kMax);
}

TEST(RtpTimeTest, NtpShort) {
  EXPECT_EQ(msToNtpShort(500), 32768u);
  EXPECT_EQ(msToNtpShort(std::numeric_limits<int64_t>::max()), std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(ntpMiddle32(unixMsToNtp(0)), static_cast<uint32_t>(kNtpUnixEpochOffsetSeconds << 16));
}

}  // namespace
}  // namespace rooms::rtc
