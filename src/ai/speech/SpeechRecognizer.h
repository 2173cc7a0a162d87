#pragma once
// 16 kHz mono speech in, text out. Implementations are used by one thread at a time (a pocketsphinx decoder
// is not shareable), so they need not be thread-safe. An utterance is recognised whole (recognize) or while
// it is spoken (begin, feed, partial, finish): the streaming form leaves little to do when the speaker
// stops, and gives words before the sentence ends. Engines that cannot stream buffer and recognise at finish.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace rooms::ai {

// A recognised word and where it lies in the utterance (ms from the first sample fed).
struct RecognizedWord {
  std::string word;
  int64_t startMs = 0;
  int64_t endMs = 0;
};

// Where the keyword pass heard the orb's name (ms from the first sample fed).
struct KeywordHit {
  int64_t startMs = 0;
  int64_t endMs = 0;
};

struct Recognition {
  std::string text;                     // lower case words, may be empty (nothing recognisable)
  double confidence = 0;                // 0..1
  std::string engine;                   // "pocketsphinx", "http"
  std::vector<RecognizedWord> words;    // with times, where the engine gives them
  std::vector<KeywordHit> keywordHits;  // the keyword pass, where the engine has one
};

class SpeechRecognizer {
 public:
  virtual ~SpeechRecognizer() = default;
  // Throws std::runtime_error when the engine fails (not when it hears nothing).
  virtual Recognition recognize(std::span<const int16_t> pcm16k) = 0;

  virtual void begin() { buffered_.clear(); }
  virtual void feed(std::span<const int16_t> pcm16k) {
    buffered_.insert(buffered_.end(), pcm16k.begin(), pcm16k.end());
  }
  // The words so far (streaming engines only; empty otherwise).
  virtual Recognition partial() { return {}; }
  virtual Recognition finish() {
    std::vector<int16_t> all = std::move(buffered_);
    buffered_.clear();
    return recognize(all);
  }

 private:
  std::vector<int16_t> buffered_;
};

}  // namespace rooms::ai
