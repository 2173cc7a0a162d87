#pragma once
// Picks the sentences that best stand for a conversation, TextRank-style: sentences are nodes, shared
// content words are weighted edges, and the most central sentences win. Fillers ("yeah, okay") and
// near-repeats of an already picked sentence are left out.
#include <cstddef>
#include <string>
#include <vector>

namespace rooms::ai {

// Indices into sentences of at most count picks, in their original order.
std::vector<size_t> rankSentences(const std::vector<std::string>& sentences, size_t count);

}  // namespace rooms::ai
