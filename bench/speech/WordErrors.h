#pragma once
// Word errors of a recognised text against what was said (as tests/browser/helpers/speech.mjs counts them):
// lower case, punctuation dropped, substitutions + deletions + insertions by edit distance over words.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

namespace rooms::bench {

inline std::vector<std::string> wordsOf(const std::string& text) {
  std::vector<std::string> out;
  std::string w;
  for (char c : text + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
      w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  return out;
}

struct WordErrors {
  int errors = 0;
  int words = 0;  // in the reference
  double rate() const { return words == 0 ? 0.0 : static_cast<double>(errors) / words; }
};

inline WordErrors wordErrors(const std::string& reference, const std::string& hypothesis) {
  const auto r = wordsOf(reference);
  const auto h = wordsOf(hypothesis);
  std::vector<int> prev(h.size() + 1);
  for (size_t j = 0; j <= h.size(); ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= r.size(); ++i) {
    std::vector<int> cur(h.size() + 1);
    cur[0] = static_cast<int>(i);
    for (size_t j = 1; j <= h.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1)});
    }
    prev = cur;
  }
  return {prev[h.size()], static_cast<int>(r.size())};
}

}  // namespace rooms::bench
