#include "ai/voice/EspeakSynthesizer.h"

#include <espeak-ng/speak_lib.h>

#include <mutex>
#include <stdexcept>

#include "core/Log.h"

namespace rooms::ai {

namespace {

std::mutex& engineMutex() {
  static std::mutex m;
  return m;
}

int g_sampleRate = 0;  // guarded by engineMutex

int collect(short* wav, int samples, espeak_EVENT* events) {
  if (wav && samples > 0 && events && events->user_data) {
    auto* out = static_cast<std::vector<int16_t>*>(events->user_data);
    out->insert(out->end(), wav, wav + samples);
  }
  return 0;
}

}  // namespace

EspeakSynthesizer::EspeakSynthesizer() {
  std::lock_guard lock(engineMutex());
  if (g_sampleRate > 0) return;
  const int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
  if (rate <= 0) throw std::runtime_error("espeak-ng: cannot initialise (is espeak-ng-data installed?)");
  espeak_SetSynthCallback(collect);
  g_sampleRate = rate;
}

std::string EspeakSynthesizer::voiceName(const std::string& voiceModel) {
  if (voiceModel.empty() || voiceModel == "default") return "en-us";
  if (voiceModel == "female") return "en-us+f3";
  if (voiceModel == "male") return "en-us+m3";
  return voiceModel;
}

SynthesizedSpeech EspeakSynthesizer::synthesize(const std::string& text, const std::string& voice) {
  std::lock_guard lock(engineMutex());
  const std::string name = voiceName(voice);
  if (espeak_SetVoiceByName(name.c_str()) != EE_OK) {
    log::warn("orb_voice_unknown", {{"voiceModel", voice}, {"using", "en-us"}});
    espeak_SetVoiceByName("en-us");
  }
  espeak_SetParameter(espeakRATE, 165, 0);
  SynthesizedSpeech out;
  out.sampleRate = g_sampleRate;
  const espeak_ERROR err = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                        nullptr, &out.pcm);
  if (err != EE_OK) throw std::runtime_error("espeak-ng: synthesis failed");
  espeak_Synchronize();
  return out;
}

}  // namespace rooms::ai
