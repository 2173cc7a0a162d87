#pragma once
// Text to speech for the AI Orb. One interface so another engine can replace the embedded one.
#include <cstdint>
#include <string>
#include <vector>

namespace rooms::ai {

struct SynthesizedSpeech {
  std::vector<int16_t> pcm;  // mono
  int sampleRate = 0;
};

class SpeechSynthesizer {
 public:
  virtual ~SpeechSynthesizer() = default;
  // voice: the room's aiOrb.voiceModel. Throws std::runtime_error when synthesis fails.
  virtual SynthesizedSpeech synthesize(const std::string& text, const std::string& voice) = 0;
};

}  // namespace rooms::ai
