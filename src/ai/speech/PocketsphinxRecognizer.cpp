#include "ai/speech/PocketsphinxRecognizer.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace rooms::ai {

PocketsphinxRecognizer::PocketsphinxRecognizer(const std::string& modelDir) {
  namespace fs = std::filesystem;
  const fs::path dir(modelDir);
  const std::string hmm = (dir / "en-us").string();
  const std::string lm = (dir / "en-us.lm.bin").string();
  const std::string dict = (dir / "cmudict-en-us.dict").string();
  for (const auto& p : {hmm, lm, dict}) {
    if (!fs::exists(p)) {
      throw std::runtime_error("speech model not found: " + p +
                               " (install pocketsphinx-en-us or set ROOMS_SPEECH_MODEL_DIR)");
    }
  }
  // pocketsphinx logs every utterance to stderr by default; ours are in our own log.
  config_ = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict", dict.c_str(),
                        "-logfn", "/dev/null", nullptr);
  if (!config_) throw std::runtime_error("pocketsphinx: invalid configuration for " + modelDir);
  decoder_ = ps_init(config_);
  if (!decoder_) {
    cmd_ln_free_r(config_);
    throw std::runtime_error("pocketsphinx: cannot load the model in " + modelDir);
  }
}

PocketsphinxRecognizer::~PocketsphinxRecognizer() {
  if (decoder_) ps_free(decoder_);
  if (config_) cmd_ln_free_r(config_);
}

Recognition PocketsphinxRecognizer::recognize(std::span<const int16_t> pcm16k) {
  Recognition r;
  r.engine = "pocketsphinx";
  if (pcm16k.empty()) return r;
  if (ps_start_utt(decoder_) < 0) throw std::runtime_error("pocketsphinx: cannot start an utterance");
  ps_process_raw(decoder_, pcm16k.data(), pcm16k.size(), FALSE, TRUE);
  ps_end_utt(decoder_);
  int32 score = 0;
  const char* hyp = ps_get_hyp(decoder_, &score);
  if (hyp) r.text = hyp;
  // The posterior of the best path; pocketsphinx reports it in its log base.
  const int32 prob = ps_get_prob(decoder_);
  const double p = logmath_exp(ps_get_logmath(decoder_), prob);
  r.confidence = std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 0.0;
  return r;
}

}  // namespace rooms::ai
