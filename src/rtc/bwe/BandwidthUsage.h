#pragma once
#include <cstdint>

namespace rooms::rtc {

// What the delay-based detector concludes about the path: a queue growing (over-using), draining
// (under-using: the rate may have just dropped) or neither.
enum class BandwidthUsage : uint8_t { Normal, Underusing, Overusing };

}  // namespace rooms::rtc
