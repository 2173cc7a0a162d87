#pragma once
// What the speech pipeline hands from one stage to the next: who spoke, when, for how long, and (until it is
// recognised) the audio.
#include <cstdint>
#include <string>
#include <vector>

#include "ai/speech/SpeechRecognizer.h"

namespace rooms::ai {

struct Speaker {
  std::string roomId;
  std::string participantId;
  std::string role;
  std::string name;
};

struct Utterance {
  Speaker speaker;
  int64_t startMs = 0;  // wall clock
  int64_t endMs = 0;
  int64_t speechMs = 0;      // talk time inside it (voice activity)
  std::vector<int16_t> pcm;  // 16 kHz mono
};

struct RecognizedUtterance {
  Speaker speaker;
  int64_t startMs = 0;
  int64_t endMs = 0;
  int64_t speechMs = 0;
  Recognition recognition;
};

}  // namespace rooms::ai
