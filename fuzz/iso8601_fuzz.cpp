// parseIso8601 on arbitrary bytes must not crash, and anything it accepts must survive
// format -> parse unchanged: the API echoes timestamps back, so the two must agree.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/Clock.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto ms = rooms::parseIso8601(text)) {
    const std::string formatted = rooms::formatIso8601(*ms);
    const auto again = rooms::parseIso8601(formatted);
    if (!again || *again != *ms) __builtin_trap();
  }
  // Formatting is total over int64, including values no parse produces.
  if (size >= sizeof(int64_t)) {
    int64_t raw = 0;
    std::memcpy(&raw, data, sizeof raw);
    if (rooms::formatIso8601(raw).empty()) __builtin_trap();
  }
  return 0;
}
