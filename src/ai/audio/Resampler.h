#pragma once
// Sample-rate conversion of mono 16-bit PCM (speexdsp): 48 kHz from the browser to the recognizer's 16 kHz,
// and the synthesizer's rate up to Opus's 48 kHz.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

struct SpeexResamplerState_;

namespace rooms::ai {

class Resampler {
 public:
  Resampler(int inRate, int outRate, int quality = 5);
  // Appends the converted samples to out. Keeps filter state between calls, so feed one stream per object.
  void process(std::span<const int16_t> in, std::vector<int16_t>& out);
  int inRate() const { return inRate_; }
  int outRate() const { return outRate_; }

 private:
  struct Free {
    void operator()(SpeexResamplerState_* s) const;
  };
  std::unique_ptr<SpeexResamplerState_, Free> state_;
  int inRate_;
  int outRate_;
};

}  // namespace rooms::ai
