#include "ai/audio/OpusFrameDecoder.h"

#include <opus.h>

#include <stdexcept>
#include <string>

namespace rooms::ai {

void OpusFrameDecoder::Free::operator()(::OpusDecoder* d) const { opus_decoder_destroy(d); }

OpusFrameDecoder::OpusFrameDecoder() : scratch_(kMaxFrameSamples) {
  int error = OPUS_OK;
  decoder_.reset(opus_decoder_create(kSampleRate, 1, &error));
  if (error != OPUS_OK || !decoder_) {
    throw std::runtime_error(std::string("opus decoder: ") + opus_strerror(error));
  }
}

bool OpusFrameDecoder::decode(std::span<const uint8_t> payload, std::vector<int16_t>& out) {
  if (payload.empty()) return false;
  const int n = opus_decode(decoder_.get(), payload.data(), static_cast<opus_int32>(payload.size()),
                            scratch_.data(), kMaxFrameSamples, 0);
  if (n <= 0) return false;
  out.insert(out.end(), scratch_.begin(), scratch_.begin() + n);
  return true;
}

void OpusFrameDecoder::conceal(int samples, std::vector<int16_t>& out) {
  if (samples <= 0) return;
  samples = std::min(samples, kMaxFrameSamples);
  const int n = opus_decode(decoder_.get(), nullptr, 0, scratch_.data(), samples, 0);
  if (n > 0) out.insert(out.end(), scratch_.begin(), scratch_.begin() + n);
}

}  // namespace rooms::ai
