#pragma once
// Wall-clock time as the API shows it (ISO 8601 UTC strings and Unix milliseconds), and the monotonic clock
// of timers.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rooms {

using WallClock = std::chrono::system_clock;
using TimePoint = WallClock::time_point;

// Milliseconds since the Unix epoch, now.
int64_t nowMs();

// Monotonic milliseconds (an arbitrary origin) for timers and the media plane: never wall time.
int64_t steadyNowMs();
// The same clock in microseconds: transport-wide congestion control works on delay changes finer than a
// millisecond.
int64_t steadyNowUs();

// "2025-06-30T15:00:00Z" (seconds precision when ms == 0, else "2025-06-30T15:00:00.123Z").
std::string formatIso8601(int64_t unixMs);

// Accepts RFC 3339 date-times: "2025-06-30T15:00:00Z", with optional fraction ("...00.123Z") and numeric
// offset ("...00+02:00"). Returns Unix milliseconds, or nullopt for anything else (no local times).
std::optional<int64_t> parseIso8601(std::string_view text);

}  // namespace rooms
