#pragma once
// One utterance of 16 kHz mono speech in, text out. Implementations are used by one worker thread each
// (a pocketsphinx decoder is not shareable), so they need not be thread-safe.
#include <cstdint>
#include <span>
#include <string>

namespace rooms::ai {

struct Recognition {
  std::string text;         // lower case words, may be empty (nothing recognisable)
  double confidence = 0;    // 0..1
  std::string engine;       // "pocketsphinx", "http"
};

class SpeechRecognizer {
 public:
  virtual ~SpeechRecognizer() = default;
  // Throws std::runtime_error when the engine fails (not when it hears nothing).
  virtual Recognition recognize(std::span<const int16_t> pcm16k) = 0;
};

}  // namespace rooms::ai
