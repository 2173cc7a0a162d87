#pragma once
// 48 kHz mono PCM to 20 ms Opus frames, as the AI Orb's track sends them.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct OpusEncoder;

namespace rooms::ai {

class OpusFrameEncoder {
 public:
  static constexpr int kSampleRate = 48000;
  static constexpr int kFrameSamples = 960;  // 20 ms

  explicit OpusFrameEncoder(int bitrate = 32000);
  // One frame of kFrameSamples; returns the payload (empty on failure).
  std::vector<uint8_t> encode(std::span<const int16_t> frame);

 private:
  struct Free {
    void operator()(::OpusEncoder* e) const;
  };
  std::unique_ptr<::OpusEncoder, Free> encoder_;
};

}  // namespace rooms::ai
