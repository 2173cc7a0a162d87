#pragma once
// Key phrases of a conversation, RAKE-style: candidates are runs of content words between stopwords and
// punctuation; a word scores its degree over its frequency (words that live in longer phrases score
// higher), a phrase the sum of its words times how often it was said, so recurring multi-word topics
// ("morning routine", "work-life balance") come first.
#include <cstddef>
#include <string>
#include <vector>

namespace rooms::ai {

// At most maxPhrases phrases, lowercased, best first; none is a sub- or superset of another. Phrases said
// only once are used only when the text is too short to have recurring ones.
std::vector<std::string> extractKeyPhrases(const std::vector<std::string>& sentences, size_t maxPhrases = 6);

// True for a word that can be part of a key phrase (not a stopword, not a number, at least 3 bytes).
bool isContentWord(const std::string& lowerWord);

}  // namespace rooms::ai
