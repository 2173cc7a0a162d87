#include "ai/speech/PocketsphinxRecognizer.h"

#include <pocketsphinx.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include <unistd.h>

namespace rooms::ai {

namespace {

constexpr int64_t kMsPerFrame = 10;

// "focus(2)" is the dictionary's second pronunciation of "focus"; "<s>", "<sil>", "[NOISE]" are no words.
std::optional<std::string> spokenWord(const char* raw) {
  if (!raw || raw[0] == '<' || raw[0] == '[' || raw[0] == '+') return std::nullopt;
  std::string w(raw);
  if (const auto paren = w.find('('); paren != std::string::npos) w.erase(paren);
  if (w.empty()) return std::nullopt;
  return w;
}

}  // namespace

PocketsphinxRecognizer::Decoder::~Decoder() {
  if (decoder) ps_free(decoder);
  if (config) cmd_ln_free_r(config);
}

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
  // Search settings measured with bench/speech (docs/ai.md): no flat-lexicon second pass, 2 Gaussians per
  // senone, capped active HMMs (2000: 13% faster than 3000, two words of 46 sentences differ in
  // orb_bench, one for better) and word exits, phonetic lookahead. About 3x faster than the defaults with
  // the same words on our test sentences; the best-path pass stays on because it gives the confidence.
  lm_.config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-lm", lm.c_str(), "-dict",
                           dict.c_str(), "-fwdflat", "no", "-topn", "2", "-maxhmmpf", "2000", "-maxwpf", "5",
                           "-pl_window", "10", "-logfn", "/dev/null", nullptr);
  if (!lm_.config) throw std::runtime_error("pocketsphinx: invalid configuration for " + modelDir);
  lm_.decoder = ps_init(lm_.config);
  if (!lm_.decoder) throw std::runtime_error("pocketsphinx: cannot load the model in " + modelDir);
  // The keyword decoder has no language model and needs one word's pronunciation, not the 134,000-word
  // dictionary: 5 MB instead of 28 (the language-model decoder takes about 94). pocketsphinx reads a
  // dictionary from a file, so the one word is written to a private temporary file and removed once loaded.
  // Two Gaussians per senone, as in the language-model decoder: with one, the keyword pass missed "hey orb"
  // in the slt voice.
  const fs::path keywordDict =
      fs::temp_directory_path() / ("rooms-orb-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(reinterpret_cast<uintptr_t>(this)) + ".dict");
  {
    std::ofstream out(keywordDict, std::ios::trunc);
    out << "orb AO R B\n";
    if (!out) throw std::runtime_error("pocketsphinx: cannot write " + keywordDict.string());
  }
  const std::string keywordDictPath = keywordDict.string();
  keyword_.config = cmd_ln_init(nullptr, ps_args(), TRUE, "-hmm", hmm.c_str(), "-dict",
                                keywordDictPath.c_str(), "-keyphrase", "orb", "-kws_threshold",
                                kKeywordThreshold, "-topn", "2", "-logfn", "/dev/null", nullptr);
  if (!keyword_.config) throw std::runtime_error("pocketsphinx: invalid keyword configuration");
  keyword_.decoder = ps_init(keyword_.config);
  std::error_code ignored;
  fs::remove(keywordDict, ignored);
  if (!keyword_.decoder) throw std::runtime_error("pocketsphinx: cannot load the keyword search");
}

PocketsphinxRecognizer::~PocketsphinxRecognizer() {
  if (inUtterance_) end();
}

void PocketsphinxRecognizer::begin() {
  if (inUtterance_) end();
  if (ps_start_utt(lm_.decoder) < 0 || ps_start_utt(keyword_.decoder) < 0) {
    throw std::runtime_error("pocketsphinx: cannot start an utterance");
  }
  inUtterance_ = true;
}

void PocketsphinxRecognizer::feed(std::span<const int16_t> pcm16k) {
  if (!inUtterance_) begin();
  if (pcm16k.empty()) return;
  ps_process_raw(lm_.decoder, pcm16k.data(), pcm16k.size(), FALSE, FALSE);
  ps_process_raw(keyword_.decoder, pcm16k.data(), pcm16k.size(), FALSE, FALSE);
}

void PocketsphinxRecognizer::end() {
  ps_end_utt(lm_.decoder);
  ps_end_utt(keyword_.decoder);
  inUtterance_ = false;
}

Recognition PocketsphinxRecognizer::partial() {
  if (!inUtterance_) return {};
  return current(false);
}

Recognition PocketsphinxRecognizer::finish() {
  if (!inUtterance_) return {};
  end();
  return current(true);
}

Recognition PocketsphinxRecognizer::recognize(std::span<const int16_t> pcm16k) {
  begin();
  feed(pcm16k);
  return finish();
}

Recognition PocketsphinxRecognizer::current(bool final) {
  Recognition r;
  r.engine = "pocketsphinx";
  int32 score = 0;
  if (const char* hyp = ps_get_hyp(lm_.decoder, &score)) r.text = hyp;
  // Both decoders number frames from their first utterance on, in step (same audio, same front end); the
  // language model's sentence start marks where this utterance began.
  std::optional<int> base;
  for (ps_seg_t* seg = ps_seg_iter(lm_.decoder); seg; seg = ps_seg_next(seg)) {
    int sf = 0;
    int ef = 0;
    ps_seg_frames(seg, &sf, &ef);
    const char* raw = ps_seg_word(seg);
    if (!base) base = sf;
    if (auto w = spokenWord(raw))
      r.words.push_back({*w, (sf - *base) * kMsPerFrame, (ef + 1 - *base) * kMsPerFrame});
  }
  if (base) {
    for (ps_seg_t* seg = ps_seg_iter(keyword_.decoder); seg; seg = ps_seg_next(seg)) {
      int sf = 0;
      int ef = 0;
      ps_seg_frames(seg, &sf, &ef);
      if (sf < *base) continue;  // a previous utterance's
      r.keywordHits.push_back({(sf - *base) * kMsPerFrame, (ef + 1 - *base) * kMsPerFrame});
    }
    std::sort(r.keywordHits.begin(), r.keywordHits.end(),
              [](const KeywordHit& a, const KeywordHit& b) { return a.startMs < b.startMs; });
  }
  if (final) {
    // The posterior of the best path; pocketsphinx reports it in its log base.
    const int32 prob = ps_get_prob(lm_.decoder);
    const double p = logmath_exp(ps_get_logmath(lm_.decoder), prob);
    r.confidence = std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 0.0;
  }
  return r;
}

}  // namespace rooms::ai
