#include "ai/text/Sentences.h"

#include <array>
#include <cctype>

namespace rooms::ai {
namespace {

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A period after these is not a sentence end.
bool endsWithAbbreviation(std::string_view sentence) {
  static constexpr std::array<std::string_view, 10> kAbbreviations = {"mr.",  "mrs.", "ms.",  "dr.", "vs.",
                                                                      "e.g.", "i.e.", "etc.", "st.", "prof."};
  size_t start = sentence.find_last_of(" \t\n(");
  start = start == std::string_view::npos ? 0 : start + 1;
  std::string last;
  for (char c : sentence.substr(start))
    last += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto a : kAbbreviations) {
    if (last == a) return true;
  }
  return false;
}

void pushTrimmed(std::vector<std::string>& out, std::string_view s) {
  while (!s.empty() && isSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && isSpace(s.back())) s.remove_suffix(1);
  bool hasWord = false;
  for (char c : s) hasWord = hasWord || std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80);
  if (hasWord) out.emplace_back(s);
}

}  // namespace

std::vector<std::string> splitSentences(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      pushTrimmed(out, text.substr(start, i - start));
      start = i + 1;
      continue;
    }
    if (c != '.' && c != '!' && c != '?') continue;
    // Runs like "?!" or "..." end together.
    size_t end = i + 1;
    while (end < text.size() && (text[end] == '.' || text[end] == '!' || text[end] == '?' ||
                                 text[end] == '"' || text[end] == '\'' || text[end] == ')')) {
      ++end;
    }
    if (end < text.size() && !isSpace(text[end])) {  // "3.5", "e.g.x": not an end
      i = end - 1;
      continue;
    }
    const auto candidate = text.substr(start, end - start);
    if (c == '.' && endsWithAbbreviation(candidate)) {
      i = end - 1;
      continue;
    }
    pushTrimmed(out, candidate);
    start = end;
    i = end - 1;
  }
  if (start < text.size()) pushTrimmed(out, text.substr(start));
  return out;
}

}  // namespace rooms::ai
