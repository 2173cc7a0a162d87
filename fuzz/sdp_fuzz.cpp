// SessionDescription::parse on arbitrary bytes must not crash, and whatever it accepts must be written as SDP
// that parses again and writes identically: we send descriptions built from parsed offers back to browsers,
// so the writer may never produce something our own parser (or theirs) would reject.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rtc/sdp/CodecMatcher.h"
#include "rtc/sdp/SessionDescription.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rooms::sdp::SessionDescription;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto sd = SessionDescription::parse(text, error);
  if (!sd) {
    if (error.empty()) __builtin_trap();
    return 0;
  }
  const std::string written = sd->toString();
  const auto again = SessionDescription::parse(written, error);
  if (!again) __builtin_trap();
  if (again->toString() != written) __builtin_trap();

  // The answerer's helpers run on every accepted offer section too.
  rooms::sdp::AnswerParams params;
  params.iceUfrag = "ufrag";
  params.icePwd = "passwordpasswordpassword";
  params.fingerprint = {"sha-256", "AA:BB"};
  for (const auto& m : sd->media) {
    rooms::sdp::SessionDescription answer;
    answer.media.push_back(rooms::sdp::CodecMatcher::buildAnswer(m, params));
    if (!SessionDescription::parse(answer.toString(), error)) __builtin_trap();
  }
  return 0;
}
