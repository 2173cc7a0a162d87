// The speech pipeline's cost per transcribed participant, on this machine: known sentences synthesised by
// flite are Opus-encoded once (as a browser would send them), then timed through what roomsd runs per
// microphone: the audio stage (Opus decode, resample to 16 kHz, voice activity, utterances) and recognition
// (pocketsphinx). The baseline, measured in the same run, is Opus decoding alone. Prints the real-time
// factor (processing seconds per second of audio, on one core) and how many participants one core keeps up
// with. Run: make bench-speech.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ai/audio/OpusFrameDecoder.h"
#include "ai/audio/Resampler.h"
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

std::vector<int16_t> readWav16k(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  for (size_t off = 12; off + 8 <= bytes.size();) {
    const std::string id(bytes.data() + off, 4);
    uint32_t size = 0;
    std::memcpy(&size, bytes.data() + off + 4, 4);
    if (id == "data") {
      std::vector<int16_t> pcm(size / 2);
      std::memcpy(pcm.data(), bytes.data() + off + 8, pcm.size() * 2);
      return pcm;
    }
    off += 8 + size + (size % 2);
  }
  throw std::runtime_error(file + ": no data chunk");
}

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
    auto pcm = readWav16k(file);
    all.insert(all.end(), pcm.begin(), pcm.end());
    all.insert(all.end(), 8000, 0);
  }
  return all;
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
      " (goal: at least 4)\n",
      1.0 / total, 2.0 / total);
  std::printf("  recognised: %s\n", text.c_str());
  return 0;
}
