#include "api/ConnectionLimiter.h"

#include <gtest/gtest.h>

#include <vector>

using namespace rooms;

TEST(ConnectionLimiterTest, OneAddressGetsItsShareAndNoMore) {
  ConnectionLimiter limiter({100, 3});
  std::vector<std::unique_ptr<ConnectionLimiter::Ticket>> held;
  for (int i = 0; i < 3; ++i) held.push_back(limiter.admit("10.0.0.1"));
  for (const auto& t : held) ASSERT_TRUE(t);
  EXPECT_FALSE(limiter.admit("10.0.0.1"));
  EXPECT_TRUE(limiter.admit("10.0.0.2")) << "another address is still served";
  EXPECT_EQ(limiter.counters().refused, 1u);
  held.pop_back();  // one closes: its place is free again
  EXPECT_TRUE(limiter.admit("10.0.0.1"));
}

TEST(ConnectionLimiterTest, AtTheTotalTheIdleWithoutAKeyAreClosedFirst) {
  ConnectionLimiter limiter({3, 10});
  std::vector<std::string> closed;
  auto app = limiter.admit("127.0.0.1");  // the main app: showed its key, idle the longest
  app->authenticated();
  app->idle([&] { closed.push_back("app"); }, 1);
  auto probe = limiter.admit("192.0.2.9");  // idle since later, never showed a key
  probe->idle([&] { closed.push_back("probe"); }, 5);
  auto busy = limiter.admit("192.0.2.10");  // in the middle of a request: never closed
  EXPECT_EQ(limiter.open(), 3u);

  auto next = limiter.admit("198.51.100.1");
  ASSERT_TRUE(next);
  EXPECT_EQ(closed, (std::vector<std::string>{"probe"}));
  EXPECT_EQ(limiter.open(), 3u);
  auto after = limiter.admit("198.51.100.2");
  ASSERT_TRUE(after);
  EXPECT_EQ(closed, (std::vector<std::string>{"probe", "app"}));
  // Nothing idle is left: the next one is refused.
  EXPECT_FALSE(limiter.admit("198.51.100.3"));
  EXPECT_EQ(limiter.counters().shed, 2u);
  EXPECT_EQ(limiter.counters().refused, 1u);
  // The shed sessions end later; their tickets' destruction must not free a place twice.
  probe.reset();
  app.reset();
  EXPECT_EQ(limiter.open(), 3u);
  busy.reset();
  EXPECT_EQ(limiter.open(), 2u);
}

TEST(ConnectionLimiterTest, BusyConnectionsAreNotShed) {
  ConnectionLimiter limiter({1, 10});
  int closes = 0;
  auto t = limiter.admit("a");
  t->idle([&] { ++closes; }, 1);
  t->busy();
  EXPECT_FALSE(limiter.shedOne());
  EXPECT_EQ(closes, 0);
}

TEST(ConnectionLimiterTest, WebSocketsStayCountedAndThoseWithAKeyLeaveTheAddressCap) {
  ConnectionLimiter limiter({4, 2});
  int closes = 0;
  // A participant's signaling socket: counts toward its address and the total, and is never shed.
  auto page = limiter.admit("10.0.0.1");
  page->idle([&] { ++closes; }, 1);
  page->upgraded(/*apiKey=*/false);
  EXPECT_FALSE(limiter.shedOne());
  EXPECT_EQ(closes, 0);
  // The main app's events sockets, one per room it follows: outside its address's cap, inside the total.
  auto a = limiter.admit("10.0.0.2");
  a->upgraded(/*apiKey=*/true);
  auto b = limiter.admit("10.0.0.2");
  b->upgraded(/*apiKey=*/true);
  auto c = limiter.admit("10.0.0.2");
  ASSERT_TRUE(c) << "two upgraded sockets no longer fill the address's cap of 2";
  c->upgraded(/*apiKey=*/true);
  EXPECT_EQ(limiter.open(), 4u);
  EXPECT_FALSE(limiter.admit("10.0.0.3")) << "the total still holds";
  // Closing them frees the total without touching the address count twice.
  a.reset();
  b.reset();
  c.reset();
  EXPECT_EQ(limiter.open(), 1u);
  auto d = limiter.admit("10.0.0.2");
  auto e = limiter.admit("10.0.0.2");
  EXPECT_TRUE(d && e);
  EXPECT_FALSE(limiter.admit("10.0.0.2"));
}
