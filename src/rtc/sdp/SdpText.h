#pragma once
// Small text helpers shared by the SDP parser pieces. SDP is ASCII and whitespace-separated; these keep the
// parsing code free of ad-hoc index arithmetic, which is where parsers of untrusted input usually break.
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rooms::sdp {

// Unsigned decimal in [0, max], digits only (no sign, no spaces, no leading '+').
template <typename T>
std::optional<T> parseUnsigned(std::string_view s, T max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v > static_cast<uint64_t>(max)) return std::nullopt;
  return static_cast<T>(v);
}

// Splits on runs of spaces and tabs, dropping empty pieces.
std::vector<std::string_view> splitWhitespace(std::string_view s);
// Splits at the first space or tab: {head, rest with leading whitespace removed}.
std::pair<std::string_view, std::string_view> splitFirstWord(std::string_view s);
std::string_view trim(std::string_view s);
bool equalsIgnoreCase(std::string_view a, std::string_view b);
std::string toLower(std::string_view s);
// A non-empty run of visible ASCII characters without spaces, as SDP's token/byte-string allow.
bool isVisibleWord(std::string_view s);

}  // namespace rooms::sdp
