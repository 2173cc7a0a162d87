#pragma once
// Opus payloads (as a browser's microphone sends them) to 48 kHz mono PCM, with packet loss concealment for
// small gaps so the recognizer hears continuous speech.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusDecoder;

namespace rooms::ai {

class OpusFrameDecoder {
 public:
  static constexpr int kSampleRate = 48000;
  static constexpr int kMaxFrameSamples = 5760;  // 120 ms at 48 kHz, the longest Opus packet

  OpusFrameDecoder();
  // Appends the decoded samples to out; false (and nothing appended) for a payload Opus refuses.
  bool decode(std::span<const uint8_t> payload, std::vector<int16_t>& out);
  // Appends samples concealing one lost packet of `samples` length.
  void conceal(int samples, std::vector<int16_t>& out);

 private:
  struct Free {
    void operator()(::OpusDecoder* d) const;
  };
  std::unique_ptr<::OpusDecoder, Free> decoder_;
  std::vector<int16_t> scratch_;
};

}  // namespace rooms::ai
