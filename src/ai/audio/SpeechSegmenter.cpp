#include "ai/audio/SpeechSegmenter.h"

namespace rooms::ai {

namespace {
constexpr size_t kPreRollSamples = SpeechSegmenter::kPreRollMs * VoiceActivityDetector::kSampleRate / 1000;
}

std::optional<SpeechSegment> SpeechSegmenter::process(std::span<const int16_t> frame, int64_t frameStartMs) {
  const bool voiced = vad_.process(frame);
  if (state_ == State::Silence) {
    if (!voiced) {
      preRoll_.insert(preRoll_.end(), frame.begin(), frame.end());
      while (preRoll_.size() > kPreRollSamples) preRoll_.pop_front();
      return std::nullopt;
    }
    state_ = State::Speech;
    current_ = SpeechSegment{};
    // The detector confirms speech a few frames after it began: date the utterance from its first frame.
    const int64_t onsetMs = (vad_.onsetFrames() - 1) * kFrameMs;
    current_.startMs = frameStartMs - onsetMs;
    current_.speechMs = onsetMs;
    current_.pcm.assign(preRoll_.begin(), preRoll_.end());
    preRoll_.clear();
    gapMs_ = 0;
  }
  current_.pcm.insert(current_.pcm.end(), frame.begin(), frame.end());
  if (voiced) {
    if (gapMs_ < kWordGapMs) current_.speechMs += gapMs_;
    gapMs_ = 0;
    current_.speechMs += kFrameMs;
    current_.endMs = frameStartMs + kFrameMs;
    lastVoiceEndMs_ = current_.endMs;
  } else {
    gapMs_ += kFrameMs;
  }
  if (gapMs_ >= kEndPauseMs || frameStartMs + kFrameMs - current_.startMs >= kMaxUtteranceMs) {
    return finish();
  }
  return std::nullopt;
}

std::optional<SpeechSegment> SpeechSegmenter::flush() {
  if (state_ != State::Speech) return std::nullopt;
  return finish();
}

SpeechSegment SpeechSegmenter::finish() {
  state_ = State::Silence;
  gapMs_ = 0;
  preRoll_.clear();
  SpeechSegment done = std::move(current_);
  current_ = SpeechSegment{};
  return done;
}

}  // namespace rooms::ai
