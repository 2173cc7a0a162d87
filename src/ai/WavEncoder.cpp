#include "ai/WavEncoder.h"

#include <stdexcept>

namespace rooms::ai {
namespace {

void put16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}

void put32(std::string& out, uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((v >> shift) & 0xff);
}

}  // namespace

std::string encodeWav(const std::vector<int16_t>& samples, uint32_t sampleRate, uint16_t channels) {
  constexpr uint16_t kBitsPerSample = 16;
  const uint64_t dataBytes = static_cast<uint64_t>(samples.size()) * sizeof(int16_t);
  // RIFF sizes are 32-bit; 4 GiB of 16 kHz audio is 37 hours, far beyond any segment.
  if (dataBytes > 0xffffffffULL - 36) throw std::length_error("WAV data too large");
  std::string out;
  out.reserve(44 + dataBytes);
  out += "RIFF";
  put32(out, static_cast<uint32_t>(36 + dataBytes));
  out += "WAVEfmt ";
  put32(out, 16);  // fmt chunk size for PCM
  put16(out, 1);   // PCM
  put16(out, channels);
  put32(out, sampleRate);
  put32(out, sampleRate * channels * (kBitsPerSample / 8));            // byte rate
  put16(out, static_cast<uint16_t>(channels * (kBitsPerSample / 8)));  // block align
  put16(out, kBitsPerSample);
  out += "data";
  put32(out, static_cast<uint32_t>(dataBytes));
  for (int16_t s : samples) put16(out, static_cast<uint16_t>(s));
  return out;
}

}  // namespace rooms::ai
