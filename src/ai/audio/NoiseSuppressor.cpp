#include "ai/audio/NoiseSuppressor.h"

#include <speex/speex_preprocess.h>

#include <stdexcept>

namespace rooms::ai {

void NoiseSuppressor::Free::operator()(SpeexPreprocessState_* s) const {
  speex_preprocess_state_destroy(s);
}

NoiseSuppressor::NoiseSuppressor() : state_(speex_preprocess_state_init(kFrameSamples, kSampleRate)) {
  if (!state_) throw std::runtime_error("speexdsp: cannot create a preprocessor");
  int on = 1;
  int off = 0;
  int suppress = kSuppressDb;
  speex_preprocess_ctl(state_.get(), SPEEX_PREPROCESS_SET_DENOISE, &on);
  speex_preprocess_ctl(state_.get(), SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &suppress);
  // Level changes would move the voice activity detector's floor; dereverberation costs and helps nothing
  // here (its voice activity detection is off by default, and ours decides).
  speex_preprocess_ctl(state_.get(), SPEEX_PREPROCESS_SET_AGC, &off);
  speex_preprocess_ctl(state_.get(), SPEEX_PREPROCESS_SET_DEREVERB, &off);
}

void NoiseSuppressor::process(std::span<int16_t> frame) {
  if (frame.size() != kFrameSamples) throw std::invalid_argument("NoiseSuppressor: a frame is 320 samples");
  speex_preprocess_run(state_.get(), frame.data());
}

}  // namespace rooms::ai
