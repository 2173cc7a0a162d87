#include "rtc/router/PlayoutDelayPolicy.h"

#include <gtest/gtest.h>

namespace rooms::rtc {
namespace {

TEST(PlayoutDelayPolicyTest, RaisedWhileTheUplinkLosesAndDroppedAfterTheHold) {
  PlayoutDelayPolicy p;
  p.update(0, 100, 80, 1000);
  EXPECT_EQ(p.minDelayMs(), 0u);    // clean
  p.update(3, 200, 80, 2000);       // 3 of 103: lossy
  EXPECT_EQ(p.minDelayMs(), 160u);  // 1.5 x 80 + 40
  p.update(6, 300, 40, 3000);       // still lossy, shorter round trip: the floor does not wander down
  EXPECT_EQ(p.minDelayMs(), 160u);
  p.update(6, 400, 40, 4000);  // clean again, but held
  EXPECT_EQ(p.minDelayMs(), 160u);
  p.update(6, 500, 40, 3000 + PlayoutDelayPolicy::kHoldMs);
  EXPECT_EQ(p.minDelayMs(), 0u);
}

TEST(PlayoutDelayPolicyTest, BoundedAndDefaultedRoundTrip) {
  PlayoutDelayPolicy p;
  p.update(50, 100, 2000, 1000);
  EXPECT_EQ(p.minDelayMs(), PlayoutDelayPolicy::kMaxDelayMs);
  PlayoutDelayPolicy unknown;
  unknown.update(5, 100, -1, 1000);
  EXPECT_EQ(unknown.minDelayMs(), 190u);  // 1.5 x 100 + 40
  PlayoutDelayPolicy idle;
  idle.update(5, 0, 80, 1000);  // nothing received: nothing learned
  EXPECT_EQ(idle.minDelayMs(), 0u);
}

}  // namespace
}  // namespace rooms::rtc
