#pragma once
// The overall tone of a conversation from a small lexicon of positive and negative words, with negation
// ("not happy", "no problem") flipping the next few words until punctuation.
#include <string>
#include <vector>

namespace rooms::ai {

struct SentimentScore {
  int positive = 0;
  int negative = 0;
};

SentimentScore scoreSentiment(const std::vector<std::string>& sentences);

// "positive", "negative", "mixed" (both clearly present) or "neutral" (too little either way).
std::string classifySentiment(const SentimentScore& score);

}  // namespace rooms::ai
