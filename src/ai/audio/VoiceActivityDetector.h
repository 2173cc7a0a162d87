#pragma once
// Decides, per 20 ms frame of 16 kHz speech, whether someone is talking. Energy against an adaptive noise
// floor: it follows the room's background down quickly and up slowly, so steady noise (a fan, a hum) is not
// talk while a voice well above it is. Talk time is built on this, so it is right even where recognition
// is not. Deterministic and allocation-free; one per audio stream.
#include <cstdint>
#include <span>

namespace rooms::ai {

class VoiceActivityDetector {
 public:
  static constexpr int kSampleRate = 16000;
  static constexpr int kFrameSamples = 320;  // 20 ms

  struct Options {
    double marginDb = 12;      // above the noise floor
    double absoluteDb = -50;   // never speech below this (dBFS)
    int onsetFrames = 2;       // consecutive loud frames that start speech (rejects clicks)
  };

  VoiceActivityDetector() : VoiceActivityDetector(Options{}) {}
  explicit VoiceActivityDetector(Options options) : options_(options) {}

  // One frame of kFrameSamples; true when it is speech.
  bool process(std::span<const int16_t> frame);
  double noiseFloorDb() const { return noiseFloorDb_; }
  // Speech is reported from the onsetFrames-th loud frame on; the ones before it were speech too.
  int onsetFrames() const { return options_.onsetFrames; }
  double lastLevelDb() const { return lastLevelDb_; }

  static double levelDb(std::span<const int16_t> frame);

 private:
  Options options_;
  double noiseFloorDb_ = -70;
  double lastLevelDb_ = -120;
  int loudRun_ = 0;
  bool speech_ = false;
};

}  // namespace rooms::ai
