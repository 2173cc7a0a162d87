#pragma once
// Words that carry no topic in a spoken conversation: the usual function words plus the fillers, hedges,
// generic verbs and time words that coaching talk is full of ("yeah", "think", "really", "friday"). They
// split key-phrase candidates and do not count as content when ranking sentences.
#include <string_view>

namespace rooms::ai {

// lowerWord as tokenize() gives it.
bool isStopword(std::string_view lowerWord);

}  // namespace rooms::ai
