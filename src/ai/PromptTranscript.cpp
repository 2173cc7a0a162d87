#include "ai/PromptTranscript.h"

#include <algorithm>

namespace rooms::ai {
namespace {

constexpr const char* kOmitted = "[earlier part of the transcript omitted]\n";

std::string speaker(const TranscriptSegmentRecord& s) {
  if (!s.name.empty()) return s.name;
  if (s.role == "aiOrb") return "AI Orb";
  if (s.role == "coach") return "Coach";
  if (s.role == "client") return "Client";
  return "Participant";
}

std::string oneLine(const std::string& text) {
  std::string out = text;
  std::replace(out.begin(), out.end(), '\n', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

}  // namespace

std::string promptTranscript(const std::vector<TranscriptSegmentRecord>& segments, size_t maxChars) {
  std::vector<std::string> lines;  // newest first
  size_t used = 0;
  bool omitted = false;
  const size_t budget = maxChars > std::char_traits<char>::length(kOmitted)
                            ? maxChars - std::char_traits<char>::length(kOmitted)
                            : 0;
  for (auto it = segments.rbegin(); it != segments.rend(); ++it) {
    if (it->text.empty()) continue;
    std::string line = speaker(*it) + " (" + it->role + "): " + oneLine(it->text) + "\n";
    if (used + line.size() > budget) {
      omitted = true;
      break;
    }
    used += line.size();
    lines.push_back(std::move(line));
  }
  std::string out = omitted ? kOmitted : "";
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out += *it;
  return out;
}

}  // namespace rooms::ai
