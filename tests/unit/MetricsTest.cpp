#include "core/Metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rooms {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(MetricsTest, RegistryReturnsTheSameChildForTheSameLabels) {
  MetricsRegistry r;
  Counter& a = r.counter("requests_total", "Requests.", {{"method", "GET"}, {"code", "200"}});
  Counter& b = r.counter("requests_total", "ignored", {{"code", "200"}, {"method", "GET"}});
  Counter& c = r.counter("requests_total", "ignored", {{"code", "404"}, {"method", "GET"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, ConcurrentUpdatesThroughTheRegistryAreNotLost) {
  MetricsRegistry r;
  Counter& c = r.counter("c_total", "C.");
  Gauge& g = r.gauge("g", "G.");
  Histogram& h = r.histogram("h", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        c.Increment(0.5);
        g.Increment(0.25);
        h.Observe(0.5);
        // Children are created under the registry's lock while others update.
        r.counter("c_total", "C.").Increment(0);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.Value(), 40000.0);
  EXPECT_DOUBLE_EQ(g.Value(), 20000.0);
  EXPECT_TRUE(contains(r.render(), "h_count 80000\n")) << r.render();
}

TEST(MetricsTest, RendersExpositionFormatSortedByName) {
  MetricsRegistry r;
  r.gauge("rooms_active", "Rooms currently open.").Set(3);
  r.counter("http_requests_total", "HTTP requests.", {{"code", "200"}}).Increment(2);
  r.counter("http_requests_total", "HTTP requests.", {{"code", "500"}}).Increment();
  const std::string text = r.render();
  EXPECT_TRUE(contains(text,
                       "# HELP http_requests_total HTTP requests.\n"
                       "# TYPE http_requests_total counter\n"))
      << text;
  EXPECT_TRUE(contains(text, "http_requests_total{code=\"200\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "http_requests_total{code=\"500\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE rooms_active gauge\nrooms_active 3\n")) << text;
  EXPECT_LT(text.find("http_requests_total"), text.find("rooms_active")) << text;
}

TEST(MetricsTest, RendersHistogramBucketsSumAndCount) {
  MetricsRegistry r;
  Histogram& h = r.histogram("latency_seconds", "Latency.", {{"route", "/api"}}, {0.1, 0.5});
  h.Observe(0.05);
  h.Observe(0.3);
  h.Observe(2);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "# TYPE latency_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/api\",le=\"0.1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/api\",le=\"0.5\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/api\",le=\"+Inf\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_sum{route=\"/api\"} 2.35")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_count{route=\"/api\"} 3\n")) << text;
}

TEST(MetricsTest, HistogramChildrenShareTheFirstCallsNormalisedBounds) {
  MetricsRegistry r;
  const double inf = std::numeric_limits<double>::infinity();
  r.histogram("h", "H.", {{"a", "1"}}, {2, 1, 1, inf, std::numeric_limits<double>::quiet_NaN()}).Observe(1.5);
  r.histogram("h", "H.", {{"a", "2"}}, {7}).Observe(1.5);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "h_bucket{a=\"2\",le=\"2\"} 1\n")) << text;
  EXPECT_FALSE(contains(text, "le=\"7\"")) << text;
  EXPECT_FALSE(contains(text, "le=\"nan\"")) << text;
}

TEST(MetricsTest, EscapesLabelValues) {
  MetricsRegistry r;
  r.counter("c", "Help.", {{"path", "a\"b\\c\nd"}}).Increment();
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "c{path=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
}

TEST(MetricsTest, RendersSpecialFloatValues) {
  MetricsRegistry r;
  r.gauge("g_inf", "x").Set(std::numeric_limits<double>::infinity());
  r.gauge("g_neg", "x").Set(-std::numeric_limits<double>::infinity());
  r.gauge("g_small", "x").Set(0.1);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "g_inf +Inf\n")) << text;
  EXPECT_TRUE(contains(text, "g_neg -Inf\n")) << text;
  EXPECT_TRUE(contains(text, "g_small 0.1")) << text;
}

TEST(MetricsTest, CounterIgnoresNegativeIncrements) {
  MetricsRegistry r;
  Counter& c = r.counter("c_total", "C.");
  c.Increment(2.5);
  c.Increment(-10);
  EXPECT_DOUBLE_EQ(c.Value(), 2.5);
}

TEST(MetricsTest, RejectsKindMismatchAndBadNames) {
  MetricsRegistry r;
  r.counter("x_total", "X.");
  EXPECT_THROW(r.gauge("x_total", "X."), std::logic_error);
  EXPECT_THROW(r.counter("1bad", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("bad-name", "X."), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "X.", {{"bad-label", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "X.", {{"__reserved", "v"}}), std::invalid_argument);
  EXPECT_THROW(r.counter("ok", "X.", {{"a", "1"}, {"a", "2"}}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "H.", {{"le", "1"}}), std::invalid_argument);
  EXPECT_NO_THROW(r.counter("ns:sub_total", "X.", {{"_x9", "v"}}));
}

TEST(MetricsTest, DefaultLatencyBoundsSpanHalfAMillisecondToTenSeconds) {
  const auto b = MetricsRegistry::defaultLatencyBounds();
  ASSERT_FALSE(b.empty());
  EXPECT_DOUBLE_EQ(b.front(), 0.0005);
  EXPECT_DOUBLE_EQ(b.back(), 10.0);
  EXPECT_TRUE(std::is_sorted(b.begin(), b.end()));
}

}  // namespace
}  // namespace rooms
