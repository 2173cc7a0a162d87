#include "core/Clock.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

namespace rooms {
namespace {

constexpr int64_t k2025_06_30T15 = 1751295600000;  // 2025-06-30T15:00:00Z

TEST(ClockTest, NowMsTracksSystemClock) {
  const auto before =
      std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
  const int64_t now = nowMs();
  const auto after =
      std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);
}

TEST(ClockTest, FormatsWholeSecondsWithoutFraction) {
  EXPECT_EQ(formatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(formatIso8601(k2025_06_30T15), "2025-06-30T15:00:00Z");
}

TEST(ClockTest, FormatsMillisecondsWhenPresent) {
  EXPECT_EQ(formatIso8601(k2025_06_30T15 + 123), "2025-06-30T15:00:00.123Z");
  EXPECT_EQ(formatIso8601(k2025_06_30T15 + 5), "2025-06-30T15:00:00.005Z");
}

TEST(ClockTest, FormatsBeforeEpochWithFloorDivision) {
  EXPECT_EQ(formatIso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(formatIso8601(-86400000), "1969-12-31T00:00:00Z");
}

TEST(ClockTest, FormatsLeapDay) {
  EXPECT_EQ(formatIso8601(1709164800000), "2024-02-29T00:00:00Z");
}

TEST(ClockTest, FormatDoesNotCrashAtInt64Extremes) {
  EXPECT_FALSE(formatIso8601(INT64_MAX).empty());
  EXPECT_FALSE(formatIso8601(INT64_MIN).empty());
}

TEST(ClockTest, ParsesUtc) {
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00Z"), k2025_06_30T15);
  EXPECT_EQ(parseIso8601("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parseIso8601("1969-12-31T23:59:59Z"), -1000);
}

TEST(ClockTest, ParsesFractions) {
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00.123Z"), k2025_06_30T15 + 123);
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00.1Z"), k2025_06_30T15 + 100);
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00.12Z"), k2025_06_30T15 + 120);
  // Sub-millisecond digits are truncated, not rounded.
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00.123999999Z"), k2025_06_30T15 + 123);
}

TEST(ClockTest, ParsesNumericOffsets) {
  EXPECT_EQ(parseIso8601("2025-06-30T17:00:00+02:00"), k2025_06_30T15);
  EXPECT_EQ(parseIso8601("2025-06-30T09:30:00-05:30"), k2025_06_30T15);
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00+00:00"), k2025_06_30T15);
  EXPECT_EQ(parseIso8601("2025-06-30T15:00:00-00:00"), k2025_06_30T15);
  EXPECT_EQ(parseIso8601("2025-07-01T00:00:00.250+09:00"), k2025_06_30T15 + 250);
}

TEST(ClockTest, AcceptsLowerCaseSeparatorsPerRfc3339) {
  EXPECT_EQ(parseIso8601("2025-06-30t15:00:00z"), k2025_06_30T15);
}

TEST(ClockTest, ValidatesLeapYears) {
  EXPECT_EQ(parseIso8601("2024-02-29T00:00:00Z"), 1709164800000);
  EXPECT_TRUE(parseIso8601("2000-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parseIso8601("2023-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parseIso8601("2100-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(parseIso8601("2024-04-31T00:00:00Z").has_value());
}

TEST(ClockTest, RejectsMissingTimezone) {
  EXPECT_FALSE(parseIso8601("2025-06-30T15:00:00").has_value());
  EXPECT_FALSE(parseIso8601("2025-06-30T15:00:00.123").has_value());
}

TEST(ClockTest, RejectsOutOfRangeFields) {
  for (const char* s : {"2025-00-30T15:00:00Z", "2025-13-30T15:00:00Z", "2025-06-00T15:00:00Z",
                        "2025-06-31T15:00:00Z", "2025-06-30T24:00:00Z", "2025-06-30T15:60:00Z",
                        "2025-06-30T15:00:60Z", "2025-06-30T15:00:00+24:00", "2025-06-30T15:00:00+02:60"}) {
    EXPECT_FALSE(parseIso8601(s).has_value()) << s;
  }
}

TEST(ClockTest, RejectsGarbage) {
  for (const char* s : {"",
                        "now",
                        "2025-06-30",
                        "2025-06-30 15:00:00Z",
                        "2025-6-30T15:00:00Z",
                        "2025-06-30T15:00Z",
                        "2025-06-30T15:00:00.Z",
                        "2025-06-30T15:00:00ZZ",
                        "2025-06-30T15:00:00Z ",
                        " 2025-06-30T15:00:00Z",
                        "+2025-06-30T15:00:00Z",
                        "2025-06-30T15:00:00+0200",
                        "2025-06-30T15:00:00+02",
                        "2025-06-30T15:00:00UTC",
                        "2025-06-30T1a:00:00Z",
                        "2025-06-30T+1:00:00Z",
                        "2025-06-30T 1:00:00Z",
                        "20250630T150000Z",
                        "2025-06-30T15:00:00,123Z",
                        "1751295600000"}) {
    EXPECT_FALSE(parseIso8601(s).has_value()) << '"' << s << '"';
  }
  EXPECT_FALSE(parseIso8601(std::string_view("2025-06-30T15:00:00Z\0", 21)).has_value());
}

TEST(ClockTest, RejectsInstantsOutsideFourDigitYears) {
  EXPECT_TRUE(parseIso8601("0000-01-01T00:00:00Z").has_value());
  EXPECT_TRUE(parseIso8601("9999-12-31T23:59:59.999Z").has_value());
  // Valid fields, but the offset moves the instant out of years 0000..9999.
  EXPECT_FALSE(parseIso8601("0000-01-01T00:00:00+01:00").has_value());
  EXPECT_FALSE(parseIso8601("9999-12-31T23:59:59-01:00").has_value());
}

TEST(ClockTest, RejectsOverlongInput) {
  const std::string longFraction = "2025-06-30T15:00:00." + std::string(100, '1') + "Z";
  EXPECT_FALSE(parseIso8601(longFraction).has_value());
}

TEST(ClockTest, FormatThenParseRoundTrips) {
  const std::array<int64_t, 8> samples = {
      0, 1, -1, 999, k2025_06_30T15, k2025_06_30T15 + 1, -62167219200000, 253402300799999};
  for (int64_t ms : samples) {
    const std::string text = formatIso8601(ms);
    EXPECT_EQ(parseIso8601(text), ms) << text;
  }
}

}  // namespace
}  // namespace rooms
