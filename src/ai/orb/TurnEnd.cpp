#include "ai/orb/TurnEnd.h"

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>
#include <vector>

namespace rooms::ai {

bool isFinishedRequest(const std::string& request) {
  std::vector<std::string> words;
  std::istringstream in(request);
  for (std::string w; in >> w;) words.push_back(w);
  if (words.size() < 2) return false;
  // Conjunctions, articles, possessives, pronouns, fillers and question words: a sentence does not end on
  // them, so a pause after one is the speaker thinking. Prepositions are not in the list: questions end on
  // them ("what should I focus on").
  static constexpr std::array<std::string_view, 36> kOpen{
      "and",   "but", "or",   "so",  "because", "the",   "a",      "an",    "to",   "my",   "your",  "our",
      "their", "his", "her",  "i",   "we",      "you",   "um",     "uh",    "like", "if",   "that",  "then",
      "is",    "are", "what", "how", "can",     "could", "should", "would", "do",   "when", "which", "just"};
  return std::find(kOpen.begin(), kOpen.end(), words.back()) == kOpen.end();
}

}  // namespace rooms::ai
