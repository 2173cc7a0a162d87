#include "ai/audio/Resampler.h"

#include <speex/speex_resampler.h>

#include <stdexcept>
#include <string>

namespace rooms::ai {

void Resampler::Free::operator()(SpeexResamplerState_* s) const { speex_resampler_destroy(s); }

Resampler::Resampler(int inRate, int outRate, int quality) : inRate_(inRate), outRate_(outRate) {
  int error = 0;
  state_.reset(speex_resampler_init(1, static_cast<spx_uint32_t>(inRate), static_cast<spx_uint32_t>(outRate),
                                    quality, &error));
  if (!state_ || error != RESAMPLER_ERR_SUCCESS) {
    throw std::runtime_error(std::string("resampler: ") + speex_resampler_strerror(error));
  }
}

void Resampler::process(std::span<const int16_t> in, std::vector<int16_t>& out) {
  if (in.empty()) return;
  const size_t start = out.size();
  const size_t room = in.size() * static_cast<size_t>(outRate_) / static_cast<size_t>(inRate_) + 64;
  out.resize(start + room);
  auto inLen = static_cast<spx_uint32_t>(in.size());
  auto outLen = static_cast<spx_uint32_t>(room);
  speex_resampler_process_int(state_.get(), 0, in.data(), &inLen, out.data() + start, &outLen);
  out.resize(start + outLen);
}

}  // namespace rooms::ai
