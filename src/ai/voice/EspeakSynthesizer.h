#pragma once
// The embedded synthesizer: eSpeak NG (offline, small, many voices). eSpeak keeps global state, so every
// instance shares one engine behind a mutex. voiceModel "default" is US English; "female" and "male" pick
// variants of it; any other value is tried as an eSpeak voice name ("en-gb", "en-us+f4", ...) and falls
// back to the default with a warning.
#include "ai/voice/SpeechSynthesizer.h"

namespace rooms::ai {

class EspeakSynthesizer : public SpeechSynthesizer {
 public:
  EspeakSynthesizer();
  SynthesizedSpeech synthesize(const std::string& text, const std::string& voice) override;
  // The eSpeak voice name a voiceModel maps to.
  static std::string voiceName(const std::string& voiceModel);
};

}  // namespace rooms::ai
