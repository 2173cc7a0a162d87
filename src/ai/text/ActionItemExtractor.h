#pragma once
// Commitments and next steps in spoken sentences ("I'll send the plan to my manager by Friday", "let's
// schedule weekly check-ins", "the next step is to draft the proposal"), rewritten as short imperatives
// ("Send the plan to my manager by Friday").
#include <cstddef>
#include <string>
#include <vector>

namespace rooms::ai {

// At most maxItems items in the order they were said; near-duplicates are dropped (the first wording
// wins). When there are more, the firmer commitments ("I will") are kept over suggestions ("you should").
std::vector<std::string> extractActionItems(const std::vector<std::string>& sentences, size_t maxItems = 8);

}  // namespace rooms::ai
