// Times the embedded summary engine on a deterministic synthetic 60-minute coach/client transcript, next to
// a baseline measured in the same run: tokenizing the same transcript, the least any text engine must do.
// `summary_bench --print` also prints the summary it produced.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ai/summary/ExtractiveSummaryEngine.h"
#include "ai/text/Words.h"

namespace {

using rooms::TranscriptSegmentRecord;

constexpr int kRuns = 5;
constexpr int64_t kSessionMs = 60 * 60 * 1000;
constexpr int kSegments = 900;
constexpr double kGoalMs = 1000;

// A fixed-seed generator, so every run (and every machine) summarizes the same transcript.
class Lcg {
 public:
  uint32_t next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<uint32_t>(state_ >> 33);
  }
  template <typename T>
  const T& pick(const std::vector<T>& v) {
    return v[next() % v.size()];
  }

 private:
  uint64_t state_ = 20261124;
};

const std::vector<std::string> kTopics = {"work-life balance", "boundaries with my manager",
                                          "morning routine",   "stress management",
                                          "team delegation",   "sleep schedule",
                                          "career goals",      "difficult conversations"};

const std::vector<std::string> kClientLines = {
    "I have been struggling with {t} for a few weeks now and it is wearing me down.",
    "Honestly the hardest part of {t} is that I never seem to find the time for it.",
    "Last week I tried to work on {t} but the deadlines at work took over again.",
    "I feel a bit better about {t} since our last session, which is good progress.",
    "yeah that makes sense",
    "okay",
    "I think my biggest worry about {t} is letting the team down.",
    "When I get home I am exhausted and {t} is the last thing on my mind.",
    "My partner says I should take {t} more seriously and I think they are right.",
    "It was really helpful to talk through {t} with you today.",
    "I'm not sure where to start with {t} to be honest.",
    "Sometimes I feel overwhelmed and then {t} just falls apart.",
};

const std::vector<std::string> kCoachLines = {
    "What would it look like if {t} was working well for you?",
    "Let's explore {t} a little more, what gets in the way?",
    "It sounds like {t} matters a lot to you right now.",
    "That is real progress on {t}, you should be proud of that.",
    "mm-hm",
    "right",
    "How do you usually respond when {t} gets difficult?",
    "What is one small experiment you could try around {t} this week?",
    "I notice you light up when you talk about {t}.",
    "What support would you need from others to improve {t}?",
};

const std::vector<std::string> kCommitments = {
    "I will send the project plan to my manager by Friday.",
    "I'm going to block two hours every Tuesday for deep work.",
    "Let's schedule weekly check-ins for accountability.",
    "I'll practice the breathing exercises every morning before work.",
    "The next step is to talk to my team about delegation.",
    "I need to book a doctor's appointment about my sleep.",
};

std::string fill(const std::string& line, const std::string& topic) {
  std::string out = line;
  const auto at = out.find("{t}");
  if (at != std::string::npos) out.replace(at, 3, topic);
  return out;
}

std::vector<TranscriptSegmentRecord> syntheticTranscript() {
  Lcg rng;
  std::vector<TranscriptSegmentRecord> out;
  const int64_t slot = kSessionMs / kSegments;
  size_t commitment = 0;
  for (int i = 0; i < kSegments; ++i) {
    TranscriptSegmentRecord s;
    s.roomId = "bench-room";
    const bool client = i % 2 == 1;
    s.role = client ? "client" : "coach";
    s.participantId = client ? "client-1" : "coach-1";
    s.name = client ? "Jordan" : "Sam";
    s.startMs = i * slot;
    s.endMs = s.startMs + slot - 200;
    s.confidence = 0.9;
    // The conversation dwells on one topic for a while, then moves on.
    const std::string& topic =
        kTopics[(static_cast<size_t>(i) / 120 + (rng.next() % 4 == 0 ? 1 : 0)) % kTopics.size()];
    if (client && i % 150 == 71 && commitment < kCommitments.size()) {
      s.text = kCommitments[commitment++];
    } else {
      s.text = fill(client ? rng.pick(kClientLines) : rng.pick(kCoachLines), topic);
    }
    s.speechMs = std::min<int64_t>(s.endMs - s.startMs, 400 + static_cast<int64_t>(s.text.size()) * 55);
    out.push_back(std::move(s));
  }
  return out;
}

template <typename F>
double medianMs(F&& f) {
  std::vector<double> runs;
  for (int i = 0; i < kRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    runs.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(runs.begin(), runs.end());
  return runs[kRuns / 2];
}

std::string withThousands(size_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool print = argc > 1 && std::strcmp(argv[1], "--print") == 0;
  rooms::ai::SummaryInput in;
  in.roomId = "bench-room";
  in.sessionId = "bench-session";
  in.startedAtMs = 1751295600000;
  in.endedAtMs = in.startedAtMs + kSessionMs;
  in.finalDurationSeconds = kSessionMs / 1000;
  in.segments = syntheticTranscript();
  in.personality = "supportive";
  size_t words = 0;
  for (const auto& s : in.segments) words += rooms::ai::tokenize(s.text).size();

  size_t sink = 0;  // keeps the baseline's work observable so it is not optimised away
  const double baseline = medianMs([&] {
    for (const auto& s : in.segments) sink += rooms::ai::tokenize(s.text).size();
  });
  rooms::ai::ExtractiveSummaryEngine engine;
  rooms::ai::SummaryText summary;
  const double embedded = medianMs([&] { summary = engine.summarize(in); });

  std::printf("baseline: tokenize the same transcript: %.1f ms\n", baseline);
  std::printf("embedded summary, 60-minute transcript (%zu segments, %s words): %.0f ms (goal < %.0f ms)\n",
              in.segments.size(), withThousands(words).c_str(), embedded, kGoalMs);
  std::printf("ratio to baseline: %.1fx (median of %d runs each; checksum %zu)\n", embedded / baseline, kRuns,
              sink);
  if (print) {
    std::printf("\n%s\n\nkeyTopics:", summary.textSummary.c_str());
    for (const auto& t : summary.keyTopics) std::printf(" [%s]", t.c_str());
    std::printf("\nactionItems:");
    for (const auto& a : summary.actionItems) std::printf(" [%s]", a.c_str());
    std::printf("\nsentiment: %s\n", summary.sentiment.c_str());
  }
  return embedded < kGoalMs ? 0 : 1;
}
