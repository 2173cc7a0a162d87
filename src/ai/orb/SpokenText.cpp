#include "ai/orb/SpokenText.h"

#include <sstream>
#include <vector>

namespace rooms::ai {
namespace {

void append(std::string& out, const std::string& words) {
  if (words.empty()) {
    return;
  }
  if (!out.empty()) {
    out += ' ';
  }
  out += words;
}

// The leading words of text whose letters fit in fraction of all its letters.
std::string leadingWords(const std::string& text, double fraction) {
  std::vector<std::string> words;
  std::istringstream in(text);
  size_t letters = 0;
  for (std::string w; in >> w;) {
    letters += w.size();
    words.push_back(std::move(w));
  }
  const double budget = fraction * static_cast<double>(letters);
  std::string out;
  size_t said = 0;
  for (const auto& w : words) {
    said += w.size();
    if (static_cast<double>(said) > budget) {
      break;
    }
    append(out, w);
  }
  return out;
}

}  // namespace

std::string spokenText(std::span<const SpokenPart> parts, size_t framesPlayed) {
  std::string out;
  size_t begin = 0;
  for (const auto& part : parts) {
    if (framesPlayed >= part.endFrame) {
      append(out, part.text);
    } else {
      if (framesPlayed > begin && part.endFrame > begin) {
        append(out, leadingWords(part.text, static_cast<double>(framesPlayed - begin) /
                                                static_cast<double>(part.endFrame - begin)));
      }
      break;
    }
    begin = part.endFrame;
  }
  return out;
}

}  // namespace rooms::ai
