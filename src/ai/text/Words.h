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

// The surface with the capitals English writing needs and lowercase recognisers (pocketsphinx) leave out:
// "i" and its contractions, days and months. Other words are returned as they are.
std::string writtenForm(const Word& word);

// A light stemmer, only good enough to match "boundaries"/"boundary" and "client's"/"client": the engines
// compare stems and show surfaces, so over-stemming would merge topics and under-stemming split them.
std::string stem(std::string_view lowerWord);

}  // namespace rooms::ai
