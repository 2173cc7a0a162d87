// How fast the AI Orb answers, stage by stage, and whether it hears its name, on this machine. Spoken
// questions (flite, four voices) go through what roomsd runs: Opus as a browser sends it, MicrophoneStream
// (decode, 16 kHz, voice activity, utterances streamed as they are spoken), the streaming recognizer with its
// keyword pass, the orb's address and turn rules, the dialog engine and the synthesizer. Audio time is
// simulated (a packet every 20 ms); compute stages are timed for real and added where the live pipeline
// would wait for them. Latency is from the end of the question's last voiced frame to the orb's first
// packet. Also: 12 addressed and 12 other sentences in each voice, answered or not, and the word error rate.
// The baseline next to it is the turn as roomsd took it before streaming recognition: 700 ms of pause, the
// whole utterance decoded, the whole reply synthesised, 600 ms of silence. Run: make bench-orb.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "WavFile.h"
#include "WordErrors.h"
#include "ai/audio/Resampler.h"
#include "ai/dialog/RuleDialogEngine.h"
#include "ai/orb/AiOrb.h"
#include "ai/orb/OrbAddress.h"
#include "ai/orb/TurnEnd.h"
#include "ai/speech/MicrophoneStream.h"
#include "ai/speech/PocketsphinxRecognizer.h"
#include "ai/voice/EspeakSynthesizer.h"
#include "ai/voice/OpusFrameEncoder.h"

using namespace rooms;
using namespace rooms::ai;
using Clock = std::chrono::steady_clock;

namespace {

struct Sentence {
  const char* text;
  bool addressed;
};

const Sentence kSentences[] = {
    {"Orb, what should I focus on this week?", true},
    {"Hey orb, can you summarize what we said?", true},
    {"Orb, how can I stay motivated?", true},
    {"Okay orb, what do you think about my plan?", true},
    {"What do you think, orb?", true},
    {"Orb, what are my next steps?", true},
    {"Hey orb, can you help me prepare for the meeting?", true},
    {"Orb, what did we agree on today?", true},
    {"So orb, how should I talk to my manager?", true},
    {"Orb, can you give me some advice?", true},
    {"Hey orb, how can I stay motivated?", true},
    {"Orb, how do I prepare for a difficult conversation with my manager?", true},
    {"I think we should focus on this week.", false},
    {"Or maybe we can talk about the budget.", false},
    {"The orange juice was great this morning.", false},
    {"What should I say to my manager?", false},
    {"I bought a new board for the office.", false},
    {"My next step is to finish the report by Friday.", false},
    {"Can you send me the notes after the session?", false},
    {"That is a good question, what do you think?", false},
    {"I feel much better about the new role.", false},
    {"We agreed to meet again next Tuesday.", false},
    {"Are you going to the workshop tomorrow?", false},
    {"Our plan is to start in March.", false},
};
const char* kVoices[] = {"rms", "slt", "awb", "kal16"};

std::vector<int16_t> speak(const std::string& text, const std::string& voice) {
  const auto dir = std::filesystem::temp_directory_path() / "rooms-orb-bench";
  std::filesystem::create_directories(dir);
  const auto file = (dir / (voice + "-" + std::to_string(std::hash<std::string>{}(text)) + ".wav")).string();
  if (!std::filesystem::exists(file)) {
    const std::string cmd = "flite -voice " + voice + " -t \"" + text + "\" -o " + file;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("flite failed (apt-get install flite)");
  }
  return bench::readWav16k(file);
}

double msSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

struct Turn {
  std::string heard;         // final recognition (name marked)
  bool answered = false;     // the orb would answer
  bool early = false;        // the turn ended on a finished request, before the end of the utterance
  double endOfTurnMs = 0;    // audio: last voice to the decision
  double recognitionMs = 0;  // compute left at the decision
  double dialogMs = 0;
  double synthesisMs = 0;  // the reply's first sentence, to Opus
  double waitMs = 0;       // silence still required, tick and first-frame offset
  double totalMs = 0;
  double baselineMs = 0;      // as before: 700 ms, whole decode, whole synthesis, 600 ms silence
  double audioSeconds = 0;    // fed to the recognizer
  double computeSeconds = 0;  // recognition work over the whole utterance
};

// The first sentence of a reply: up to and including the first '.', '?' or '!' followed by a space.
std::string firstSentence(const std::string& text) {
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if ((text[i] == '.' || text[i] == '?' || text[i] == '!') && text[i + 1] == ' ')
      return text.substr(0, i + 1);
  }
  return text;
}

double synthesize(SpeechSynthesizer& synth, const std::string& text) {
  const auto t = Clock::now();
  const SynthesizedSpeech speech = synth.synthesize(text, "default");
  std::vector<int16_t> pcm;
  Resampler up(speech.sampleRate, OpusFrameEncoder::kSampleRate);
  up.process(speech.pcm, pcm);
  OpusFrameEncoder encoder;
  for (size_t i = 0; i + OpusFrameEncoder::kFrameSamples <= pcm.size();
       i += OpusFrameEncoder::kFrameSamples) {
    encoder.encode({pcm.data() + i, OpusFrameEncoder::kFrameSamples});
  }
  return msSince(t);
}

Turn run(const std::vector<int16_t>& speech16k, PocketsphinxRecognizer& recognizer, RuleDialogEngine& dialog,
         SpeechSynthesizer& synth) {
  const OrbTiming timing;
  // A second of silence before, three after, as a browser sends it: 48 kHz Opus, 20 ms packets.
  std::vector<int16_t> pcm16(16000, 0);
  pcm16.insert(pcm16.end(), speech16k.begin(), speech16k.end());
  pcm16.insert(pcm16.end(), 48000, 0);
  std::vector<int16_t> pcm48;
  Resampler up(16000, 48000);
  up.process(pcm16, pcm48);
  OpusFrameEncoder encoder;
  auto ring = std::make_shared<rtc::RtpPacketRing>(8);
  MicrophoneStream mic({"bench", "client-1", "client", "Client"}, ring);

  Turn t;
  std::optional<HeardPartial> finished;
  std::optional<double> decisionMs;  // audio time of the decision
  double computeAtDecision = 0;
  std::string request;
  double lastChunkComputeMs = 0;
  bool open = false;
  std::vector<Utterance> ended;
  std::vector<UtteranceAudio> audio;
  uint16_t seq = 0;
  for (size_t i = 0; i + 960 <= pcm48.size(); i += 960, ++seq) {
    const int64_t nowMs = static_cast<int64_t>(seq) * 20 + 20;
    ring->push(nowMs, seq, seq * 960u, false, 127, encoder.encode({pcm48.data() + i, 960}));
    ended.clear();
    audio.clear();
    mic.poll(0, ended, &audio);
    for (auto& a : audio) {
      const auto c = Clock::now();
      if (!open) recognizer.begin();
      open = true;
      recognizer.feed(a.pcm);
      t.audioSeconds += static_cast<double>(a.pcm.size()) / 16000.0;
      Recognition p = recognizer.partial();
      lastChunkComputeMs = msSince(c);
      t.computeSeconds += lastChunkComputeMs / 1000;
      markOrbAddress(p);
      auto req = orbAddressedRequest(p.text);
      if (req && isFinishedRequest(*req)) {
        finished = HeardPartial{"u", "client", "Client", *req, a.untilMs};
      } else {
        finished.reset();
      }
    }
    // The orb's tick: a finished request, a pause, words covering all that was said.
    if (!decisionMs && finished && !mic.speaking() &&
        nowMs - mic.lastVoiceMs() >= timing.finishedTurnPauseMs &&
        finished->untilMs + 40 >= mic.lastVoiceMs()) {
      decisionMs = static_cast<double>(nowMs);
      computeAtDecision = lastChunkComputeMs;
      request = finished->text;
      t.early = true;
    }
    for (auto& u : ended) {
      const auto c = Clock::now();
      if (!open) recognizer.begin();
      Recognition r = recognizer.finish();
      open = false;
      const double finishMs = msSince(c);
      t.computeSeconds += finishMs / 1000;
      if (std::getenv("ORB_BENCH_WORDS")) {
        for (const auto& w : r.words)
          std::fprintf(stderr, "%s[%lld-%lld] ", w.word.c_str(), (long long)w.startMs, (long long)w.endMs);
        for (const auto& h : r.keywordHits)
          std::fprintf(stderr, " HIT[%lld-%lld]", (long long)h.startMs, (long long)h.endMs);
        std::fprintf(stderr, "\n");
      }
      markOrbAddress(r);
      t.heard = r.text;
      auto req = orbAddressedRequest(r.text);
      if (!decisionMs && req) {
        decisionMs = static_cast<double>(u.endMs + SpeechSegmenter::kEndPauseMs);
        computeAtDecision = finishMs;
        request = *req;
      }
      const double lastVoice = static_cast<double>(mic.lastVoiceMs());
      if (decisionMs) {
        t.answered = true;
        t.endOfTurnMs = *decisionMs - lastVoice;
        t.recognitionMs = computeAtDecision;
        DialogRequest d;
        d.utterance = request;
        d.speakerRole = "client";
        d.personality = "supportive";
        auto dc = Clock::now();
        const std::string reply = dialog.reply(d);
        t.dialogMs = msSince(dc);
        t.synthesisMs = synthesize(synth, firstSentence(reply));
        const double ready = t.endOfTurnMs + t.recognitionMs + t.dialogMs + t.synthesisMs;
        // Silence before answering, the 20 ms tick (10 on average) and the first frame's offset.
        t.waitMs = std::max(0.0, static_cast<double>(timing.silenceBeforeReplyMs) - ready) + 10 + 20;
        t.totalMs = ready + t.waitMs;
        const double wholeSynthesis = synthesize(synth, reply);
        const double wholeDecode = t.computeSeconds * 1000;
        const double baselineReady = 700 + wholeDecode + t.dialogMs + wholeSynthesis;
        t.baselineMs = std::max(baselineReady, 600.0) + 10 + 20;
      }
    }
  }
  return t;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double idx = p * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(idx);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (idx - static_cast<double>(lo));
}

}  // namespace

int main() {
  PocketsphinxRecognizer recognizer("/usr/share/pocketsphinx/model/en-us");
  RuleDialogEngine dialog;
  EspeakSynthesizer synth;
  std::vector<double> totals;
  std::vector<double> baselines;
  double eot = 0, rec = 0, dia = 0, syn = 0, wait = 0;
  int addressed = 0, answered = 0, others = 0, falseAnswers = 0, early = 0;
  int errors = 0, refWords = 0;
  double audio = 0, compute = 0;
  std::printf("%-5s %-52s %-4s %6s %6s %6s %6s %6s %7s %8s  heard\n", "voice", "sentence", "ans", "turn",
              "asr", "dialog", "synth", "wait", "total", "baseline");
  int voiceAnswered[4] = {0, 0, 0, 0};
  int voiceAddressed[4] = {0, 0, 0, 0};
  int voiceFalse[4] = {0, 0, 0, 0};
  for (const Sentence& s : kSentences) {
    // Every sentence in every voice.
    for (int v = 0; v < 4; ++v) {
      const char* voice = kVoices[v];
      const auto pcm = speak(s.text, voice);
      Turn t = run(pcm, recognizer, dialog, synth);
      audio += t.audioSeconds;
      compute += t.computeSeconds;
      const bench::WordErrors we = bench::wordErrors(s.text, t.heard);
      errors += we.errors;
      refWords += we.words;
      if (s.addressed) {
        ++addressed;
        ++voiceAddressed[v];
        if (t.answered) {
          ++answered;
          ++voiceAnswered[v];
          early += t.early ? 1 : 0;
          totals.push_back(t.totalMs);
          baselines.push_back(t.baselineMs);
          eot += t.endOfTurnMs;
          rec += t.recognitionMs;
          dia += t.dialogMs;
          syn += t.synthesisMs;
          wait += t.waitMs;
        }
      } else {
        ++others;
        falseAnswers += t.answered ? 1 : 0;
        voiceFalse[v] += t.answered ? 1 : 0;
      }
      std::printf("%-5s %-52s %-4s %6.0f %6.1f %6.2f %6.1f %6.0f %7.0f %8.0f  %s%s\n", voice, s.text,
                  t.answered ? "yes" : "no", t.endOfTurnMs, t.recognitionMs, t.dialogMs, t.synthesisMs,
                  t.waitMs, t.totalMs, t.baselineMs, t.heard.c_str(), t.early ? "  [early turn]" : "");
    }
  }
  const double n = std::max(1, answered);
  std::printf(
      "\nreply latency over %d answered questions (ms, end of the question to the orb's first packet)\n",
      answered);
  std::printf(
      "  stages, mean: end of turn %.0f, recognition left %.1f, dialog %.2f, first sentence synthesised "
      "%.1f, silence/tick/first frame %.0f\n",
      eot / n, rec / n, dia / n, syn / n, wait / n);
  std::printf("  rooms     median %.0f  p90 %.0f  (goal: median < 1000, p90 < 1500)\n",
              percentile(totals, 0.5), percentile(totals, 0.9));
  std::printf(
      "  baseline  median %.0f  p90 %.0f  (700 ms pause, whole decode, whole synthesis, 600 ms silence)\n",
      percentile(baselines, 0.5), percentile(baselines, 0.9));
  std::printf("  ratio     %.2f of the baseline's median; %d of %d turns ended early on a finished request\n",
              percentile(totals, 0.5) / std::max(1.0, percentile(baselines, 0.5)), early, answered);
  std::printf("addressed: %d of %d answered; not addressed: %d of %d answered\n", answered, addressed,
              falseAnswers, others);
  for (int v = 0; v < 4; ++v) {
    std::printf("  %-5s addressed %d of %d answered, not addressed %d of %d answered\n", kVoices[v],
                voiceAnswered[v], voiceAddressed[v], voiceFalse[v], others / 4);
  }
  const int three = voiceAnswered[0] + voiceAnswered[1] + voiceAnswered[2];
  const int threeAddressed = voiceAddressed[0] + voiceAddressed[1] + voiceAddressed[2];
  const int threeFalse = voiceFalse[0] + voiceFalse[1] + voiceFalse[2];
  std::printf(
      "  rms, slt, awb: %d of %d addressed answered (goal: 95%%), %d of %d others answered (goal: 5%% at "
      "most)\n",
      three, threeAddressed, threeFalse, others * 3 / 4);
  std::printf(
      "word error rate %.3f over %d words; recognition (language model + keyword pass) real-time factor "
      "%.4f\n",
      static_cast<double>(errors) / std::max(1, refWords), refWords, compute / std::max(0.001, audio));
  return 0;
}
