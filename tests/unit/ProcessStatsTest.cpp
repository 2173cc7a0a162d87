#include "core/ProcessStats.h"

#include <gtest/gtest.h>
#include <time.h>

#include <cmath>
#include <memory>
#include <vector>

namespace rooms {
namespace {

int64_t clockNs(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

TEST(ProcessStatsTest, ResidentBytesIsPlausible) {
  const uint64_t rss = ProcessStats::residentBytes();
  EXPECT_GT(rss, 1u << 20);  // a gtest binary is well above 1 MiB
  EXPECT_LT(rss, uint64_t{1} << 40);
}

TEST(ProcessStatsTest, ResidentBytesGrowsWhenMemoryIsTouched) {
  const uint64_t before = ProcessStats::residentBytes();
  constexpr size_t kBytes = 64u << 20;
  auto block = std::make_unique<char[]>(kBytes);
  for (size_t i = 0; i < kBytes; i += 4096) block[i] = static_cast<char>(i);
  const uint64_t after = ProcessStats::residentBytes();
  EXPECT_GE(after, before + kBytes / 2);
  EXPECT_NE(block[4096], 1);  // keep the writes observable
}

TEST(ProcessStatsTest, MemoryPercentIsAFraction) {
  ProcessStats stats;
  const double pct = stats.memoryPercent();
  EXPECT_GT(pct, 0.0);
  EXPECT_LT(pct, 100.0);
}

TEST(ProcessStatsTest, FirstCpuCallMeasuresSinceStart) {
  ProcessStats stats;
  const double pct = stats.cpuPercent();
  EXPECT_GE(pct, 0.0);
  EXPECT_FALSE(std::isnan(pct));
}

TEST(ProcessStatsTest, CpuPercentMatchesBusyLoop) {
  ProcessStats stats;
  stats.cpuPercent();
  const int64_t cpu0 = clockNs(CLOCK_PROCESS_CPUTIME_ID);
  const int64_t wall0 = clockNs(CLOCK_MONOTONIC);
  volatile uint64_t sink = 0;
  while (clockNs(CLOCK_MONOTONIC) - wall0 < 400'000'000) sink = sink + 1;
  const double measured = stats.cpuPercent();
  const double expected = static_cast<double>(clockNs(CLOCK_PROCESS_CPUTIME_ID) - cpu0) * 100.0 /
                          static_cast<double>(clockNs(CLOCK_MONOTONIC) - wall0);
  // /proc counts in clock ticks (10 ms), so a 400 ms window is accurate to a few percent; the comparison
  // with the process's own CPU clock holds even when the machine is busy.
  EXPECT_NEAR(measured, expected, 12.0);
  EXPECT_GT(measured, 0.0);
}

TEST(ProcessStatsTest, IdleIntervalReportsLittleCpu) {
  ProcessStats stats;
  stats.cpuPercent();
  timespec nap{0, 300'000'000};
  nanosleep(&nap, nullptr);
  EXPECT_LT(stats.cpuPercent(), 20.0);
}

}  // namespace
}  // namespace rooms
