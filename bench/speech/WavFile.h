#pragma once
// Reading the 16-bit mono WAV files flite writes, for the speech benchmarks.
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace rooms::bench {

// The samples of a WAV's data chunk (the caller knows the rate: flite's voices here are 16 kHz).
inline std::vector<int16_t> readWav16k(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  for (size_t off = 12; off + 8 <= bytes.size();) {
    const std::string id(bytes.data() + off, 4);
    uint32_t size = 0;
    std::memcpy(&size, bytes.data() + off + 4, 4);
    if (id == "data") {
      std::vector<int16_t> pcm(std::min<size_t>(size, bytes.size() - off - 8) / 2);
      std::memcpy(pcm.data(), bytes.data() + off + 8, pcm.size() * 2);
      return pcm;
    }
    off += 8 + size + (size % 2);
  }
  throw std::runtime_error(file + ": no data chunk");
}

}  // namespace rooms::bench
