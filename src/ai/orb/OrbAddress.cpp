#include "ai/orb/OrbAddress.h"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <vector>

namespace rooms::ai {

std::optional<std::string> orbAddressedRequest(const std::string& text) {
  std::vector<std::string> words;
  std::istringstream in(text);
  for (std::string w; in >> w;) {
    std::string clean;
    for (char c : w) {
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '\'') {
        clean += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (!clean.empty()) words.push_back(clean);
  }
  const auto isName = [](const std::string& w) { return w == "orb" || w == "orbs" || w == "orb's"; };
  const auto soundsLikeName = [&](const std::string& w) {
    return isName(w) || w == "org" || w == "orange" || w == "orbit" || w == "ork";
  };
  size_t i = 0;
  while (i < words.size() && (words[i] == "hey" || words[i] == "hi" || words[i] == "okay" || words[i] == "ok" ||
                              words[i] == "so" || words[i] == "hello")) {
    ++i;
  }
  size_t nameEnd = std::string::npos;
  if (i < words.size() && soundsLikeName(words[i])) {
    nameEnd = i + 1;
  } else if (i + 1 < words.size() && words[i] == "or" && words[i + 1] == "b") {
    nameEnd = i + 2;
  } else if (std::any_of(words.begin(), words.end(), isName)) {
    nameEnd = 0;  // named later in the sentence: the whole sentence is the request
  }
  if (nameEnd == std::string::npos) return std::nullopt;
  std::string request;
  for (size_t k = nameEnd; k < words.size(); ++k) {
    if (nameEnd == 0 && isName(words[k])) continue;
    if (!request.empty()) request += ' ';
    request += words[k];
  }
  return request;
}

}  // namespace rooms::ai
