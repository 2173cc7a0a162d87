#pragma once
// Recognition by any server with the OpenAI-compatible POST /v1/audio/transcriptions API (whisper.cpp's
// server and others), for better accuracy than the embedded engine. A failed or slow request falls back to
// the embedded recognizer for that utterance, so a transcript never has holes because a server was down.
#include <memory>

#include "ai/OpenAiClient.h"
#include "ai/speech/SpeechRecognizer.h"

namespace rooms::ai {

class HttpSpeechRecognizer : public SpeechRecognizer {
 public:
  HttpSpeechRecognizer(OpenAiEndpoint endpoint, std::unique_ptr<SpeechRecognizer> fallback);
  Recognition recognize(std::span<const int16_t> pcm16k) override;

 private:
  OpenAiClient client_;
  std::unique_ptr<SpeechRecognizer> fallback_;
};

}  // namespace rooms::ai
