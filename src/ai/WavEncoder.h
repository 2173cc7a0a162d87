#pragma once
// Wraps PCM samples in a RIFF/WAVE container, the one audio format every transcription server accepts.
#include <cstdint>
#include <string>
#include <vector>

namespace rooms::ai {

// A canonical 44-byte header (PCM, little-endian, 16-bit) followed by the samples.
std::string encodeWav(const std::vector<int16_t>& samples, uint32_t sampleRate, uint16_t channels);

}  // namespace rooms::ai
