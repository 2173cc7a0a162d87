#pragma once
// Splits recognised speech into sentences. Recognisers without punctuation (pocketsphinx) give one sentence
// per segment, which is the best unit there is for them.
#include <string>
#include <string_view>
#include <vector>

namespace rooms::ai {

// Trimmed, non-empty sentences, each keeping its final punctuation.
std::vector<std::string> splitSentences(std::string_view text);

}  // namespace rooms::ai
