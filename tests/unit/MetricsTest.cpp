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

TEST(MetricsTest, CounterAccumulatesAndIgnoresNegativeIncrements) {
  Counter c;
  c.inc();
  c.inc(2.5);
  c.inc(-10);
  c.inc(std::numeric_limits<double>::quiet_NaN());
  EXPECT_DOUBLE_EQ(c.value(), 3.5);
}

TEST(MetricsTest, GaugeSetsIncrementsAndDecrements) {
  Gauge g;
  g.set(10);
  g.inc();
  g.dec(4);
  EXPECT_DOUBLE_EQ(g.value(), 7);
  g.dec(10);
  EXPECT_DOUBLE_EQ(g.value(), -3);
}

TEST(MetricsTest, HistogramBucketsUseLessOrEqual) {
  Histogram h({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 7.0}) h.observe(v);
  EXPECT_EQ(h.cumulativeCounts(), (std::vector<uint64_t>{2, 3, 3, 4}));
  EXPECT_DOUBLE_EQ(h.sum(), 10.0);
  EXPECT_EQ(h.count(), 4u);
}

TEST(MetricsTest, HistogramNormalisesBoundsAndSkipsNaN) {
  const double inf = std::numeric_limits<double>::infinity();
  Histogram h({5, 1, 1, inf, std::numeric_limits<double>::quiet_NaN()});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 5}));
  h.observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(h.count(), 0u);
  h.observe(inf);
  EXPECT_EQ(h.cumulativeCounts(), (std::vector<uint64_t>{0, 0, 1}));
}

TEST(MetricsTest, ConcurrentUpdatesAreNotLost) {
  Counter c;
  Gauge g;
  Histogram h({1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        c.inc(0.5);
        g.inc(0.25);
        h.observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_DOUBLE_EQ(c.value(), 40000.0);
  EXPECT_DOUBLE_EQ(g.value(), 20000.0);
  EXPECT_EQ(h.count(), 80000u);
  EXPECT_DOUBLE_EQ(h.sum(), 40000.0);
  EXPECT_EQ(h.cumulativeCounts().front(), 80000u);
}

TEST(MetricsTest, RegistryReturnsTheSameChildForTheSameLabels) {
  MetricsRegistry r;
  Counter& a = r.counter("requests_total", "Requests.", {{"method", "GET"}, {"code", "200"}});
  Counter& b = r.counter("requests_total", "ignored", {{"code", "200"}, {"method", "GET"}});
  Counter& c = r.counter("requests_total", "ignored", {{"code", "404"}, {"method", "GET"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &c);
}

TEST(MetricsTest, RendersExpositionFormatSortedByName) {
  MetricsRegistry r;
  r.gauge("rooms_active", "Rooms currently open.").set(3);
  r.counter("http_requests_total", "HTTP requests.", {{"code", "200"}}).inc(2);
  r.counter("http_requests_total", "HTTP requests.", {{"code", "500"}}).inc();
  EXPECT_EQ(r.render(),
            "# HELP http_requests_total HTTP requests.\n"
            "# TYPE http_requests_total counter\n"
            "http_requests_total{code=\"200\"} 2\n"
            "http_requests_total{code=\"500\"} 1\n"
            "# HELP rooms_active Rooms currently open.\n"
            "# TYPE rooms_active gauge\n"
            "rooms_active 3\n");
}

TEST(MetricsTest, RendersHistogramBucketsSumAndCount) {
  MetricsRegistry r;
  Histogram& h = r.histogram("latency_seconds", "Latency.", {{"route", "/api"}}, {0.1, 0.5});
  h.observe(0.05);
  h.observe(0.3);
  h.observe(2);
  EXPECT_EQ(r.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{route=\"/api\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{route=\"/api\",le=\"0.5\"} 2\n"
            "latency_seconds_bucket{route=\"/api\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{route=\"/api\"} 2.35\n"
            "latency_seconds_count{route=\"/api\"} 3\n");
}

TEST(MetricsTest, UnlabelledHistogramHasOnlyLeLabel) {
  MetricsRegistry r;
  r.histogram("h", "H.", {}, {1}).observe(0.5);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "h_bucket{le=\"1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "h_sum 0.5\n")) << text;
  EXPECT_TRUE(contains(text, "h_count 1\n")) << text;
}

TEST(MetricsTest, HistogramChildrenShareTheFirstCallsBounds) {
  MetricsRegistry r;
  r.histogram("h", "H.", {{"a", "1"}}, {1, 2});
  Histogram& second = r.histogram("h", "H.", {{"a", "2"}}, {7});
  EXPECT_EQ(second.bounds(), (std::vector<double>{1, 2}));
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry r;
  r.counter("c", "line one\nback\\slash \"quoted\"", {{"path", "a\"b\\c\nd"}}).inc();
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "# HELP c line one\\nback\\\\slash \"quoted\"\n")) << text;
  EXPECT_TRUE(contains(text, "c{path=\"a\\\"b\\\\c\\nd\"} 1\n")) << text;
}

TEST(MetricsTest, RendersSpecialFloatValues) {
  MetricsRegistry r;
  r.gauge("g_inf", "x").set(std::numeric_limits<double>::infinity());
  r.gauge("g_nan", "x").set(std::numeric_limits<double>::quiet_NaN());
  r.gauge("g_neg", "x").set(-std::numeric_limits<double>::infinity());
  r.gauge("g_small", "x").set(0.1);
  const std::string text = r.render();
  EXPECT_TRUE(contains(text, "g_inf +Inf\n")) << text;
  EXPECT_TRUE(contains(text, "g_nan NaN\n")) << text;
  EXPECT_TRUE(contains(text, "g_neg -Inf\n")) << text;
  EXPECT_TRUE(contains(text, "g_small 0.1\n")) << text;
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
