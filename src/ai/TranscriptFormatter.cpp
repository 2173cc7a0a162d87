#include "ai/TranscriptFormatter.h"

#include <cstdio>

#include "core/Clock.h"

namespace rooms {
namespace {

std::string clock(int64_t ms, bool withMillis) {
  if (ms < 0) ms = 0;
  char buf[32];
  int64_t h = ms / 3600000, m = (ms / 60000) % 60, s = (ms / 1000) % 60, f = ms % 1000;
  if (withMillis) {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld.%03lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s), static_cast<long long>(f));
  } else {
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(h),
                  static_cast<long long>(m), static_cast<long long>(s));
  }
  return buf;
}

std::string speaker(const TranscriptSegmentRecord& s) {
  if (!s.name.empty()) return s.name;
  if (s.role == "aiOrb") return "AI Orb";
  if (s.role == "coach") return "Coach";
  if (s.role == "client") return "Client";
  return s.role;
}

// WebVTT cue text may not contain "-->" and treats '<' and '&' as markup.
std::string vttEscape(const std::string& in) {
  std::string out;
  for (char c : in) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string transcriptAsText(const std::vector<TranscriptSegmentRecord>& segments, int64_t originMs) {
  std::string out;
  for (const auto& s : segments) {
    out +=
        "[" + clock(s.startMs - originMs, false) + "] " + speaker(s) + " (" + s.role + "): " + s.text + "\n";
  }
  return out;
}

std::string transcriptAsVtt(const std::vector<TranscriptSegmentRecord>& segments, int64_t originMs) {
  std::string out = "WEBVTT\n\n";
  for (const auto& s : segments) {
    out += clock(s.startMs - originMs, true) + " --> " +
           clock(std::max(s.endMs, s.startMs) - originMs, true) + "\n";
    out += "<v " + vttEscape(speaker(s)) + ">" + vttEscape(s.text) + "\n\n";
  }
  return out;
}

nlohmann::ordered_json transcriptAsJson(const std::vector<TranscriptSegmentRecord>& segments,
                                        int64_t originMs) {
  auto arr = nlohmann::ordered_json::array();
  for (const auto& s : segments) {
    arr.push_back({{"participantId", s.participantId},
                   {"role", s.role},
                   {"name", speaker(s)},
                   {"start", formatIso8601(s.startMs)},
                   {"end", formatIso8601(s.endMs)},
                   {"startOffset", static_cast<double>(s.startMs - originMs) / 1000.0},
                   {"endOffset", static_cast<double>(s.endMs - originMs) / 1000.0},
                   {"text", s.text},
                   {"confidence", s.confidence}});
  }
  return arr;
}

}  // namespace rooms
