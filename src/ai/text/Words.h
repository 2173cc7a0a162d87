#pragma once
// Word tokens of spoken English as the text engines see them: lowercase, apostrophes and inner hyphens kept
// ("don't", "work-life"), with a mark where punctuation separated a word from the one before, because key
// phrases, negation and action items must not run across a comma or a sentence end.
#include <string>
#include <string_view>
#include <vector>

namespace rooms::ai {

struct Word {
  std::string surface;  // as written (curly apostrophes made straight)
  std::string lower;
  bool breakBefore = false;  // punctuation (other than an inner hyphen or apostrophe) precedes this word
};

std::vector<Word> tokenize(std::string_view text);

// A light stemmer, only good enough to match "boundaries"/"boundary" and "client's"/"client": the engines
// compare stems and show surfaces, so over-stemming would merge topics and under-stemming split them.
std::string stem(std::string_view lowerWord);

}  // namespace rooms::ai
