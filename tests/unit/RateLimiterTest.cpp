#include "api/RateLimiter.h"

#include <gtest/gtest.h>

#include <string>

namespace rooms {
namespace {

TEST(RateLimiterTest, DisabledWhenRateIsNotPositive) {
  RateLimiter off(0, 5);
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.allow("k", 0).allowed);
  RateLimiter negative(-1, 5);
  EXPECT_FALSE(negative.enabled());
  EXPECT_TRUE(negative.allow("k", 0).allowed);
}

TEST(RateLimiterTest, AllowsBurstThenRefuses) {
  RateLimiter rl(1, 3);
  EXPECT_TRUE(rl.enabled());
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(rl.allow("k", 1000).allowed) << i;
  const auto d = rl.allow("k", 1000);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterSeconds, 1);
}

TEST(RateLimiterTest, RefillsAtTheConfiguredRate) {
  RateLimiter rl(2, 2);  // one token every 500 ms
  EXPECT_TRUE(rl.allow("k", 0).allowed);
  EXPECT_TRUE(rl.allow("k", 0).allowed);
  EXPECT_FALSE(rl.allow("k", 0).allowed);
  EXPECT_FALSE(rl.allow("k", 499).allowed);
  EXPECT_TRUE(rl.allow("k", 500).allowed);
  EXPECT_FALSE(rl.allow("k", 500).allowed);
  // A long pause refills only up to the burst.
  EXPECT_TRUE(rl.allow("k", 100000).allowed);
  EXPECT_TRUE(rl.allow("k", 100000).allowed);
  EXPECT_FALSE(rl.allow("k", 100000).allowed);
}

TEST(RateLimiterTest, RetryAfterRoundsUpToWholeSeconds) {
  RateLimiter rl(0.25, 1);  // one token every 4 s
  EXPECT_TRUE(rl.allow("k", 0).allowed);
  auto d = rl.allow("k", 0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterSeconds, 4);
  d = rl.allow("k", 2500);  // 0.625 of a token back: 1.5 s to go
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterSeconds, 2);
  d = rl.allow("k", 3999);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterSeconds, 1);
  EXPECT_TRUE(rl.allow("k", 4000).allowed);
}

TEST(RateLimiterTest, RetryAfterIsCappedForTinyRates) {
  RateLimiter rl(1e-12, 1);
  EXPECT_TRUE(rl.allow("k", 0).allowed);
  const auto d = rl.allow("k", 0);
  EXPECT_FALSE(d.allowed);
  EXPECT_GE(d.retryAfterSeconds, 1);
  EXPECT_LE(d.retryAfterSeconds, 86400);
}

TEST(RateLimiterTest, KeysHaveIndependentBuckets) {
  RateLimiter rl(1, 1);
  EXPECT_TRUE(rl.allow("a", 0).allowed);
  EXPECT_FALSE(rl.allow("a", 0).allowed);
  EXPECT_TRUE(rl.allow("b", 0).allowed);
}

TEST(RateLimiterTest, ClockSteppingBackwardsRefillsNothing) {
  RateLimiter rl(1, 1);
  EXPECT_TRUE(rl.allow("k", 10000).allowed);
  EXPECT_FALSE(rl.allow("k", 5000).allowed);
  EXPECT_FALSE(rl.allow("k", 10500).allowed);
  EXPECT_TRUE(rl.allow("k", 11000).allowed);
}

TEST(RateLimiterTest, BurstBelowOneStillAllowsOneRequest) {
  RateLimiter rl(1, 0);
  EXPECT_TRUE(rl.allow("k", 0).allowed);
  EXPECT_FALSE(rl.allow("k", 0).allowed);
}

TEST(RateLimiterTest, PruningIdleBucketsKeepsActiveOnesLimited) {
  RateLimiter rl(1, 1, 2);
  EXPECT_TRUE(rl.allow("a", 0).allowed);
  EXPECT_TRUE(rl.allow("b", 0).allowed);
  // Both buckets have refilled by 5 s, so making room for "c" drops only idle state.
  EXPECT_TRUE(rl.allow("c", 5000).allowed);
  EXPECT_FALSE(rl.allow("c", 5000).allowed);
  EXPECT_TRUE(rl.allow("a", 5000).allowed);
  EXPECT_FALSE(rl.allow("a", 5000).allowed);
}

TEST(RateLimiterTest, ScanOfManyKeysStaysBoundedAndKeepsWorking) {
  RateLimiter rl(1, 1, 1000);
  for (int i = 0; i < 200000; ++i) {
    ASSERT_TRUE(rl.allow("10.0." + std::to_string(i), 0).allowed) << i;
  }
  // The most recent key is still tracked after all the evictions.
  EXPECT_FALSE(rl.allow("10.0.199999", 0).allowed);
}

}  // namespace
}  // namespace rooms
