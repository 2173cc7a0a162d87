#pragma once
// Makes a chat model's answer fit to be spoken: no markdown, no lists, no speaker label, at most three
// sentences and about 400 characters, cut at a sentence end.
#include <cstddef>
#include <string>

namespace rooms::ai {

// Empty when nothing speakable is left.
std::string speakableReply(const std::string& text, size_t maxChars = 400, size_t maxSentences = 3);

}  // namespace rooms::ai
