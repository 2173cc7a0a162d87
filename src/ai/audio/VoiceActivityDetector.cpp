#include "ai/audio/VoiceActivityDetector.h"

#include <algorithm>
#include <cmath>

namespace rooms::ai {

double VoiceActivityDetector::levelDb(std::span<const int16_t> frame) {
  if (frame.empty()) return -120;
  double sum = 0;
  for (int16_t s : frame) sum += static_cast<double>(s) * s;
  const double rms = std::sqrt(sum / static_cast<double>(frame.size())) / 32768.0;
  return rms <= 1e-6 ? -120 : 20 * std::log10(rms);
}

bool VoiceActivityDetector::process(std::span<const int16_t> frame) {
  const double db = levelDb(frame);
  lastLevelDb_ = db;
  // The floor drops at once to anything quieter and rises about 1 dB a second (50 frames), so a minute of
  // talking does not lift it into the voice.
  if (db < noiseFloorDb_) {
    noiseFloorDb_ = std::max(db, -90.0);
  } else {
    noiseFloorDb_ += 0.02;
  }
  const double threshold = std::max(noiseFloorDb_ + options_.marginDb, options_.absoluteDb);
  if (db > threshold) {
    ++loudRun_;
    if (loudRun_ >= options_.onsetFrames) speech_ = true;
  } else {
    loudRun_ = 0;
    // Inside speech a weaker frame still counts when it is clearly above the floor (soft consonants).
    speech_ = speech_ && db > std::max(noiseFloorDb_ + options_.marginDb / 2, options_.absoluteDb - 6);
  }
  return speech_ || loudRun_ >= options_.onsetFrames;
}

}  // namespace rooms::ai
