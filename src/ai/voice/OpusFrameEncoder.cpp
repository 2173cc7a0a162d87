#include "ai/voice/OpusFrameEncoder.h"

#include <opus.h>

#include <stdexcept>
#include <string>

namespace rooms::ai {

void OpusFrameEncoder::Free::operator()(::OpusEncoder* e) const { opus_encoder_destroy(e); }

OpusFrameEncoder::OpusFrameEncoder(int bitrate) {
  int error = OPUS_OK;
  encoder_.reset(opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &error));
  if (error != OPUS_OK || !encoder_) throw std::runtime_error(std::string("opus encoder: ") + opus_strerror(error));
  opus_encoder_ctl(encoder_.get(), OPUS_SET_BITRATE(bitrate));
}

std::vector<uint8_t> OpusFrameEncoder::encode(std::span<const int16_t> frame) {
  std::vector<uint8_t> out(1275);
  if (frame.size() != kFrameSamples) return {};
  const int n = opus_encode(encoder_.get(), frame.data(), kFrameSamples, out.data(), static_cast<opus_int32>(out.size()));
  if (n <= 0) return {};
  out.resize(static_cast<size_t>(n));
  return out;
}

}  // namespace rooms::ai
