#include "core/Clock.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace rooms {

int64_t steadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t steadyNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

// The span of four-digit years. Parsing refuses results outside it so that everything parseIso8601 returns
// formats back into a string it accepts again.
constexpr int64_t kMinMs = -62167219200000;  // 0000-01-01T00:00:00.000Z
constexpr int64_t kMaxMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

constexpr int64_t kMsPerDay = 86400000;

// Howard Hinnant's civil_from_days: total over int64 day counts, unlike gmtime_r, whose int tm_year
// overflows for the far ends of the int64 millisecond range.
void civilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

bool isLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int daysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && isLeap(y) ? 29 : kDays[m - 1];
}

// A cursor that only ever accepts ASCII digits, so "+1", " 1" or "1e3" never pass as numbers the way
// they would through sscanf or strtol.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}

  bool digits(size_t n, int& out) {
    if (s_.size() - pos_ < n) {
      return false;
    }
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
      const char c = s_[pos_ + i];
      if (c < '0' || c > '9') {
        return false;
      }
      v = v * 10 + (c - '0');
    }
    pos_ += n;
    out = v;
    return true;
  }
  bool literal(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool isDigit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip() { ++pos_; }
  bool atEnd() const { return pos_ == s_.size(); }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(WallClock::now().time_since_epoch()).count();
}

std::string formatIso8601(int64_t unixMs) {
  // Floor division: -1 ms is 1969-12-31T23:59:59.999Z, not a negative millisecond field.
  int64_t days = unixMs / kMsPerDay;
  int64_t msOfDay = unixMs % kMsPerDay;
  if (msOfDay < 0) {
    msOfDay += kMsPerDay;
    --days;
  }
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  civilFromDays(days, year, month, day);
  const auto secOfDay = static_cast<int>(msOfDay / 1000);
  const auto ms = static_cast<int>(msOfDay % 1000);

  char buf[64];
  const int hh = secOfDay / 3600;
  const int mm = secOfDay / 60 % 60;
  const int ss = secOfDay % 60;
  if (ms == 0) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", static_cast<long long>(year), month,
                  day, hh, mm, ss);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(year),
                  month, day, hh, mm, ss, ms);
  }
  return buf;
}

std::optional<int64_t> parseIso8601(std::string_view text) {
  // Far longer than any real timestamp; bounds the work an oversized fraction can cost.
  if (text.size() > 64) {
    return std::nullopt;
  }
  Cursor c(text);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!c.digits(4, year) || !c.literal('-') || !c.digits(2, month) || !c.literal('-') || !c.digits(2, day)) {
    return std::nullopt;
  }
  // RFC 3339 5.6 allows a lower-case t and z; the space some applications use is not RFC 3339.
  if (!c.literal('T') && !c.literal('t')) {
    return std::nullopt;
  }
  if (!c.digits(2, hour) || !c.literal(':') || !c.digits(2, minute) || !c.literal(':') ||
      !c.digits(2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return std::nullopt;
  }
  // Unix time has no leap seconds, so :60 is refused rather than silently folded into the next minute.
  if (hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }

  int fractionMs = 0;
  if (c.literal('.')) {
    if (!c.isDigit()) {
      return std::nullopt;
    }
    // Digits past milliseconds are truncated: the API works in whole milliseconds.
    int scale = 100;
    while (c.isDigit()) {
      fractionMs += (c.peek() - '0') * scale;
      scale /= 10;
      c.skip();
    }
  }

  int offsetSeconds = 0;
  if (c.literal('Z') || c.literal('z')) {
    // UTC
  } else if (c.peek() == '+' || c.peek() == '-') {
    const int sign = c.peek() == '-' ? -1 : 1;
    c.skip();
    int oh = 0, om = 0;
    if (!c.digits(2, oh) || !c.literal(':') || !c.digits(2, om)) {
      return std::nullopt;
    }
    if (oh > 23 || om > 59) {
      return std::nullopt;
    }
    offsetSeconds = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;  // no zone designator: a local time, which has no fixed instant
  }
  if (!c.atEnd()) {
    return std::nullopt;
  }

  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t t = timegm(&tm);
  const int64_t ms = (static_cast<int64_t>(t) - offsetSeconds) * 1000 + fractionMs;
  if (ms < kMinMs || ms > kMaxMs) {
    return std::nullopt;
  }
  return ms;
}

}  // namespace rooms
