#pragma once
// The embedded, offline recognizer: CMU pocketsphinx with Debian's US English acoustic model, dictionary and
// trigram language model (pocketsphinx-en-us), streaming. Next to the language-model decoder runs a keyword
// decoder listening for the orb's name alone: the language model almost never writes "orb" (it hears
// "orange", "org", "aren't"), and a keyphrase search on the same audio says where the name was spoken
// (ai/orb/OrbAddress puts the two together). About 100 MB per recognizer (94 the language-model decoder,
// 5 the keyword decoder), shared by nothing.
#include <memory>
#include <string>

#include "ai/speech/SpeechRecognizer.h"

struct ps_decoder_s;
struct cmd_ln_s;

namespace rooms::ai {

class PocketsphinxRecognizer : public SpeechRecognizer {
 public:
  // The keyphrase search's threshold, measured with bench/speech/orb_bench on four flite voices (docs/ai.md):
  // lower finds the name more often and hears it in "or", "board" more often too.
  static constexpr const char* kKeywordThreshold = "1e-20";

  // modelDir holds en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict. Throws with the path when
  // the model cannot be loaded.
  explicit PocketsphinxRecognizer(const std::string& modelDir);
  ~PocketsphinxRecognizer() override;
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  Recognition recognize(std::span<const int16_t> pcm16k) override;
  void begin() override;
  void feed(std::span<const int16_t> pcm16k) override;
  Recognition partial() override;
  Recognition finish() override;

 private:
  struct Decoder {
    cmd_ln_s* config = nullptr;
    ps_decoder_s* decoder = nullptr;
    ~Decoder();
  };
  Recognition current(bool final);
  void end();

  Decoder lm_;
  Decoder keyword_;
  bool inUtterance_ = false;
  int keywordFrameBase_ = 0;  // the keyword search numbers frames from its first utterance on
};

}  // namespace rooms::ai
