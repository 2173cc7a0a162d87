#pragma once
// Cuts one participant's 16 kHz audio into utterances by voice activity: an utterance starts at the first
// voiced frame (with a little audio before it, so the recognizer hears the onset) and ends after a pause of
// kEndPauseMs, or at kMaxUtteranceMs. Talk time counts voiced frames and the short gaps between words, not
// the pause that ends an utterance. Times are the caller's (wall ms of each frame's start).
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "ai/audio/VoiceActivityDetector.h"

namespace rooms::ai {

struct SpeechSegment {
  int64_t startMs = 0;
  int64_t endMs = 0;
  int64_t speechMs = 0;
  std::vector<int16_t> pcm;  // 16 kHz mono, with pre-roll and post-roll
};

class SpeechSegmenter {
 public:
  static constexpr int64_t kFrameMs = 20;
  static constexpr int64_t kEndPauseMs = 700;
  static constexpr int64_t kWordGapMs = 300;  // shorter silences inside an utterance count as talking
  static constexpr int64_t kMaxUtteranceMs = 15000;
  static constexpr int64_t kPreRollMs = 200;

  enum class State { Silence, Speech };

  // One 20 ms frame starting at frameStartMs. Returns a finished segment when this frame ended one.
  std::optional<SpeechSegment> process(std::span<const int16_t> frame, int64_t frameStartMs);
  // Ends the utterance in progress (the stream stopped or the room ended).
  std::optional<SpeechSegment> flush();

  State state() const { return state_; }
  bool speaking() const { return state_ == State::Speech && gapMs_ < kWordGapMs; }
  int64_t lastVoiceMs() const { return lastVoiceEndMs_; }
  // The utterance in progress (State::Speech): its start and the audio so far, pre-roll included.
  int64_t currentStartMs() const { return current_.startMs; }
  const std::vector<int16_t>& currentPcm() const { return current_.pcm; }

 private:
  SpeechSegment finish();

  VoiceActivityDetector vad_;
  State state_ = State::Silence;
  std::deque<int16_t> preRoll_;
  SpeechSegment current_;
  int64_t gapMs_ = 0;
  int64_t lastVoiceEndMs_ = 0;
};

}  // namespace rooms::ai
