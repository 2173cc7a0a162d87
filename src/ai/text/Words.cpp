#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

// U+2000..U+203F (UTF-8 E2 80 xx / E2 81 80..BF) is General Punctuation: dashes, curly quotes, ellipsis.
bool isGeneralPunctuation(std::string_view t, size_t i) {
  return i + 2 < t.size() && static_cast<unsigned char>(t[i]) == 0xE2 &&
         (static_cast<unsigned char>(t[i + 1]) == 0x80 || static_cast<unsigned char>(t[i + 1]) == 0x81);
}

// U+2019, the right single quotation mark, is how many recognisers and keyboards write an apostrophe.
bool isCurlyApostrophe(std::string_view t, size_t i) {
  return isGeneralPunctuation(t, i) && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
         static_cast<unsigned char>(t[i + 2]) == 0x99;
}

bool isWordByteAt(std::string_view t, size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  if (c >= 0x80) return !isGeneralPunctuation(t, i);  // other UTF-8 sequences are letters of names
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::vector<Word> tokenize(std::string_view text) {
  std::vector<Word> words;
  bool pendingBreak = false;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    if (!isWordByteAt(text, i)) {
      const char c = text[i];
      if (isGeneralPunctuation(text, i)) {
        if (!isCurlyApostrophe(text, i)) pendingBreak = true;
        i += 3;
        continue;
      }
      if (c != ' ' && c != '\t' && c != '\r' && c != '\'' && c != '-') pendingBreak = true;
      ++i;
      continue;
    }
    Word w;
    w.breakBefore = pendingBreak;
    pendingBreak = false;
    while (i < n) {
      if (isWordByteAt(text, i)) {
        w.surface += text[i++];
        continue;
      }
      // An apostrophe or hyphen joins two word parts only when a letter follows it.
      const bool curly = isCurlyApostrophe(text, i);
      const size_t joiner = curly ? 3 : 1;
      if ((curly || text[i] == '\'' || text[i] == '-') && i + joiner < n && isWordByteAt(text, i + joiner)) {
        w.surface += text[i] == '-' ? '-' : '\'';
        i += joiner;
        continue;
      }
      break;
    }
    w.lower.reserve(w.surface.size());
    for (char ch : w.surface) w.lower += lowerAscii(ch);
    words.push_back(std::move(w));
  }
  return words;
}

std::string stem(std::string_view w) {
  std::string s(w);
  if (s.size() > 2 && s.ends_with("'s")) s.resize(s.size() - 2);
  if (s.size() > 4 && s.ends_with("ies")) {
    s.resize(s.size() - 3);
    s += 'y';
  } else if (s.size() > 4 &&
             (s.ends_with("sses") || s.ends_with("xes") || s.ends_with("ches") || s.ends_with("shes"))) {
    s.resize(s.size() - 2);
  } else if (s.size() > 3 && s.back() == 's' && !s.ends_with("ss") && !s.ends_with("us") &&
             !s.ends_with("is")) {
    s.pop_back();
  }
  return s;
}

}  // namespace rooms::ai
