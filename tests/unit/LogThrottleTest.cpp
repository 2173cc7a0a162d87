#include "core/LogThrottle.h"

#include <gtest/gtest.h>

using namespace rooms;

TEST(LogThrottleTest, OneLinePerIntervalCountingWhatWasHeldBack) {
  LogThrottle throttle(10000);
  EXPECT_TRUE(throttle.allow(5));  // the first is always logged
  EXPECT_EQ(throttle.times(), 1u);
  for (int i = 0; i < 99; ++i) EXPECT_FALSE(throttle.allow(100 + i));
  EXPECT_FALSE(throttle.allow(10004));
  EXPECT_TRUE(throttle.allow(10005));
  EXPECT_EQ(throttle.times(), 101u) << "the 100 held back and this one";
  EXPECT_FALSE(throttle.allow(10006));
}
