#pragma once
// Small pieces of English phrasing the summary and the orb's replies share.
#include <string>
#include <vector>

namespace rooms::ai {

// The first letter in upper case (ASCII), the rest as it is.
std::string upperFirst(std::string s);
// "a", "a and b", "a, b and c".
std::string joinList(const std::vector<std::string>& items);

}  // namespace rooms::ai
