#include "ai/speech/HttpSpeechRecognizer.h"

#include <cctype>

#include "core/Log.h"

namespace rooms::ai {

HttpSpeechRecognizer::HttpSpeechRecognizer(OpenAiEndpoint endpoint, std::unique_ptr<SpeechRecognizer> fallback)
    : client_(std::move(endpoint)), fallback_(std::move(fallback)) {}

Recognition HttpSpeechRecognizer::recognize(std::span<const int16_t> pcm16k) {
  try {
    Recognition r;
    r.engine = "http";
    std::string text = client_.transcribe(std::vector<int16_t>(pcm16k.begin(), pcm16k.end()), "en");
    // Servers differ in whitespace around the text; the transcript wants it trimmed.
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    size_t start = 0;
    while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
    r.text = text.substr(start);
    r.confidence = r.text.empty() ? 0.0 : 0.9;  // the API reports none; these servers are the accurate ones
    return r;
  } catch (const std::exception& e) {
    log::warn("asr_http_fallback", {{"error", e.what()}, {"fallback", fallback_ != nullptr}});
    if (!fallback_) throw;
    return fallback_->recognize(pcm16k);
  }
}

}  // namespace rooms::ai
