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

// Audio of an utterance still being spoken, handed on in order as it arrives so that recognition keeps up
// with the speaker. The speaker and startMs name the utterance; its Utterance follows when it ends.
struct UtteranceAudio {
  Speaker speaker;
  int64_t startMs = 0;
  int64_t untilMs = 0;  // wall time where the last sample ends
  std::vector<int16_t> pcm;
};

// Words recognised so far of an utterance still being spoken.
struct PartialRecognition {
  Speaker speaker;
  int64_t startMs = 0;
  int64_t untilMs = 0;  // how far the audio it covers reaches (wall time)
  Recognition recognition;
};

// One id for an utterance's interim captions and its final one (and its transcript segment's, which has the
// same participant and start).
inline std::string utteranceId(const std::string& participantId, int64_t startMs) {
  return participantId + "-" + std::to_string(startMs);
}
inline std::string utteranceId(const Speaker& speaker, int64_t startMs) {
  return utteranceId(speaker.participantId, startMs);
}

struct RecognizedUtterance {
  Speaker speaker;
  int64_t startMs = 0;
  int64_t endMs = 0;
  int64_t speechMs = 0;
  Recognition recognition;
};

}  // namespace rooms::ai
