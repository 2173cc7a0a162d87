// A webhook URL is whatever an API caller registers. The policy must judge any byte string without crashing,
// and whatever it accepts must be an http(s) URL whose text has no byte that could split a request line.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/WebhookTargetPolicy.h"

using namespace rooms;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const WebhookTargetPolicy policy;
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  if (!policy.checkUrl(url)) {
    const size_t colon = url.find("://");
    if (colon == std::string_view::npos) __builtin_trap();
    std::string scheme(url.substr(0, colon));
    for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (scheme != "http" && scheme != "https") __builtin_trap();
    for (const char c : url) {
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) __builtin_trap();
    }
  }
  return 0;
}
