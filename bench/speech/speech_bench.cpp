// The speech pipeline's cost per transcribed participant, on this machine: known sentences synthesised by
// flite are Opus-encoded once (as a browser would send them), then timed through what roomsd runs per
// microphone: the audio stage (Opus decode, resample to 16 kHz, voice activity, utterances) and recognition
// (pocketsphinx). The baseline, measured in the same run, is Opus decoding alone. Prints the real-time
// factor (processing seconds per second of audio, on one core) and how many participants one core keeps up
// with; then the same speech with pink noise mixed in at 20 and 10 dB SNR: talk time against the seconds
// spoken, and the word error rate. Run: make bench-speech.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "WavFile.h"
#include "WordErrors.h"
#include "ai/audio/OpusFrameDecoder.h"
#include "ai/audio/Resampler.h"
#include "ai/audio/VoiceActivityDetector.h"
#include "ai/speech/MicrophoneStream.h"
#include "ai/speech/PocketsphinxRecognizer.h"
#include "ai/voice/OpusFrameEncoder.h"

using namespace rooms;
using namespace rooms::ai;
using Clock = std::chrono::steady_clock;

namespace {

const char* kSentences[] = {
    "Good morning, thank you for making time for this session today.",
    "I want to talk about my career goals and how I manage my time at work.",
    "I will send the project plan to my manager by Friday.",
    "Next step is to schedule a meeting with the design team next week.",
    "I feel much better about the new role and I am excited to start.",
    "What would you like to focus on before our next session?",
};

// Half a second of silence between sentences, as people pause.
std::vector<int16_t> speech16k() {
  const auto dir = std::filesystem::temp_directory_path() / "rooms-speech-bench";
  std::filesystem::create_directories(dir);
  std::vector<int16_t> all;
  int i = 0;
  for (const char* s : kSentences) {
    const auto file = (dir / ("s" + std::to_string(i++) + ".wav")).string();
    const std::string cmd = "flite -voice rms -t \"" + std::string(s) + "\" -o " + file;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("flite failed (apt-get install flite)");
    auto pcm = bench::readWav16k(file);
    all.insert(all.end(), pcm.begin(), pcm.end());
    all.insert(all.end(), 8000, 0);
  }
  return all;
}

// Seconds between the first and the last 20 ms frame above -45 dBFS: a sentence as spoken, without the
// synthesiser's leading and trailing silence (as tests/browser/helpers/speech.mjs measures talk time).
double spokenSeconds(const std::vector<int16_t>& pcm) {
  int first = -1;
  int last = -1;
  for (size_t i = 0; i + 320 <= pcm.size(); i += 320) {
    if (VoiceActivityDetector::levelDb({pcm.data() + i, 320}) > -45) {
      if (first < 0) first = static_cast<int>(i);
      last = static_cast<int>(i + 320);
    }
  }
  return first < 0 ? 0 : (last - first) / 16000.0;
}

// Pink noise (Paul Kellet's filter over white noise) mixed in at snrDb below the speech's power, the power
// taken over its frames above -45 dBFS: background noise through the whole recording, pauses included.
std::vector<int16_t> withPinkNoise(const std::vector<int16_t>& pcm, double snrDb) {
  double speech = 0;
  size_t frames = 0;
  for (size_t i = 0; i + 320 <= pcm.size(); i += 320) {
    const std::span<const int16_t> f(pcm.data() + i, 320);
    if (VoiceActivityDetector::levelDb(f) <= -45) continue;
    for (int16_t v : f) speech += static_cast<double>(v) * v;
    frames += 320;
  }
  speech /= static_cast<double>(std::max<size_t>(frames, 1));
  std::mt19937 rng(7);
  std::normal_distribution<double> white(0, 1);
  std::vector<double> noise(pcm.size());
  double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, power = 0;
  for (auto& n : noise) {
    const double w = white(rng);
    b0 = 0.99886 * b0 + w * 0.0555179;
    b1 = 0.99332 * b1 + w * 0.0750759;
    b2 = 0.96900 * b2 + w * 0.1538520;
    b3 = 0.86650 * b3 + w * 0.3104856;
    b4 = 0.55000 * b4 + w * 0.5329522;
    b5 = -0.7616 * b5 - w * 0.0168980;
    n = b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362;
    b6 = w * 0.115926;
    power += n * n;
  }
  power /= static_cast<double>(std::max<size_t>(noise.size(), 1));
  const double gain = std::sqrt(speech / power / std::pow(10.0, snrDb / 10));
  std::vector<int16_t> out(pcm.size());
  for (size_t i = 0; i < pcm.size(); ++i) {
    out[i] = static_cast<int16_t>(std::clamp(pcm[i] + noise[i] * gain, -32768.0, 32767.0));
  }
  return out;
}

// Talk time measured and words recognised for 16 kHz audio sent as a browser would.
struct Heard {
  double talkSeconds = 0;
  std::string text;
};

Heard hear(const std::vector<int16_t>& pcm16, PocketsphinxRecognizer& recognizer) {
  std::vector<int16_t> pcm48;
  Resampler up(16000, 48000);
  up.process(pcm16, pcm48);
  OpusFrameEncoder encoder;
  auto ring = std::make_shared<rtc::RtpPacketRing>(pcm48.size() / 960 + 1);
  MicrophoneStream mic({"bench", "p", "client", "P"}, ring);
  uint16_t seq = 0;
  for (size_t i = 0; i + 960 <= pcm48.size(); i += 960, ++seq) {
    ring->push(seq * 20, seq, seq * 960u, false, 127, encoder.encode({pcm48.data() + i, 960}));
  }
  std::vector<Utterance> out;
  mic.poll(0, out);
  mic.flush(out);
  Heard h;
  for (const auto& u : out) {
    h.talkSeconds += static_cast<double>(u.speechMs) / 1000.0;
    const std::string t = recognizer.recognize(u.pcm).text;
    if (!t.empty()) h.text += (h.text.empty() ? "" : " ") + t;
  }
  return h;
}

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main() {
  const std::vector<int16_t> pcm16 = speech16k();
  const double audioSeconds = static_cast<double>(pcm16.size()) / 16000.0;
  // As a browser sends it: 48 kHz Opus, 20 ms packets.
  std::vector<int16_t> pcm48;
  Resampler up(16000, 48000);
  up.process(pcm16, pcm48);
  OpusFrameEncoder encoder;
  std::vector<std::vector<uint8_t>> packets;
  for (size_t i = 0; i + 960 <= pcm48.size(); i += 960)
    packets.push_back(encoder.encode({pcm48.data() + i, 960}));

  constexpr int kRounds = 5;
  // Baseline: Opus decoding alone.
  auto t0 = Clock::now();
  for (int r = 0; r < kRounds; ++r) {
    OpusFrameDecoder decoder;
    std::vector<int16_t> out;
    for (const auto& p : packets) {
      out.clear();
      decoder.decode(p, out);
    }
  }
  const double decodeRtf = seconds(t0, Clock::now()) / kRounds / audioSeconds;

  // The audio stage: what the AI thread does per microphone.
  std::vector<Utterance> utterances;
  t0 = Clock::now();
  for (int r = 0; r < kRounds; ++r) {
    auto ring = std::make_shared<rtc::RtpPacketRing>(packets.size() + 1);
    MicrophoneStream mic({"bench", "p", "client", "P"}, ring);
    uint16_t seq = 0;
    for (const auto& p : packets) {
      ring->push(seq * 20, seq, seq * 960u, false, 127, p);
      ++seq;
    }
    std::vector<Utterance> out;
    mic.poll(0, out);
    mic.flush(out);
    if (r == 0) utterances = std::move(out);
  }
  const double audioRtf = seconds(t0, Clock::now()) / kRounds / audioSeconds;

  // Recognition of those utterances.
  PocketsphinxRecognizer recognizer("/usr/share/pocketsphinx/model/en-us");
  std::string text;
  t0 = Clock::now();
  for (const auto& u : utterances) text += recognizer.recognize(u.pcm).text + " ";
  const double asrRtf = seconds(t0, Clock::now()) / audioSeconds;

  const double total = audioRtf + asrRtf;
  std::printf("speech pipeline, %.1f s of speech (%zu utterances) on one core\n", audioSeconds,
              utterances.size());
  std::printf("  baseline  opus decode only            real-time factor %.4f\n", decodeRtf);
  std::printf("  audio     decode+resample+VAD+cut     real-time factor %.4f  (%.1fx the baseline)\n",
              audioRtf, audioRtf / decodeRtf);
  std::printf("  asr       pocketsphinx                real-time factor %.4f\n", asrRtf);
  std::printf("  total per transcribed participant     real-time factor %.4f\n", total);
  std::printf(
      "  participants one core keeps up with:  %.1f talking all the time, %.1f talking half the time"
      " (goal, issue 19: at least 10 talking all the time)\n",
      1.0 / total, 2.0 / total);
  std::printf("  recognised: %s\n", text.c_str());

  // Background noise: talk time and word error rate with pink noise at 10 dB SNR, next to the clean audio.
  std::string reference;
  for (const char* sentence : kSentences) reference += std::string(sentence) + " ";
  double spoken = 0;
  {
    const auto dir = std::filesystem::temp_directory_path() / "rooms-speech-bench";
    for (size_t k = 0; k < std::size(kSentences); ++k) {
      spoken += spokenSeconds(bench::readWav16k((dir / ("s" + std::to_string(k) + ".wav")).string()));
    }
  }
  std::printf("\nbackground noise (pink, over the whole recording), %.1f s spoken\n", spoken);
  for (double snr : {0.0, 20.0, 10.0}) {
    const Heard h = hear(snr == 0 ? pcm16 : withPinkNoise(pcm16, snr), recognizer);
    std::printf("  %-14s talk time %5.1f s (%5.1f%% of spoken; goal within 10%%), word error rate %.3f%s\n",
                snr == 0 ? "clean" : (std::to_string(static_cast<int>(snr)) + " dB SNR").c_str(),
                h.talkSeconds, 100 * h.talkSeconds / spoken, bench::wordErrors(reference, h.text).rate(),
                snr == 10 ? " (goal: at most 0.25)" : "");
    if (std::getenv("SHOW_NOISY")) std::printf("    %s\n", h.text.c_str());
  }
  return 0;
}
