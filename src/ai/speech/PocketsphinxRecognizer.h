#pragma once
// The embedded, offline recognizer: CMU pocketsphinx with Debian's US English acoustic model, dictionary and
// trigram language model (pocketsphinx-en-us). About 30 MB per decoder, shared by nothing.
#include <memory>
#include <string>

#include "ai/speech/SpeechRecognizer.h"

struct ps_decoder_s;
struct cmd_ln_s;

namespace rooms::ai {

class PocketsphinxRecognizer : public SpeechRecognizer {
 public:
  // modelDir holds en-us/ (acoustic model), en-us.lm.bin and cmudict-en-us.dict. Throws with the path when
  // the model cannot be loaded.
  explicit PocketsphinxRecognizer(const std::string& modelDir);
  ~PocketsphinxRecognizer() override;
  Recognition recognize(std::span<const int16_t> pcm16k) override;

 private:
  cmd_ln_s* config_ = nullptr;
  ps_decoder_s* decoder_ = nullptr;
};

}  // namespace rooms::ai
