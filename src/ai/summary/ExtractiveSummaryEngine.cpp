#include "ai/summary/ExtractiveSummaryEngine.h"

#include <algorithm>

#include "ai/summary/SessionFacts.h"
#include "ai/summary/TalkTime.h"
#include "ai/text/TranscriptInsights.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

constexpr size_t kMaxQuoteWords = 30;

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "a", "a and b", "a, b and c".
std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

std::string minutesOfTalk(int64_t ms) {
  const int64_t minutes = (ms + 30000) / 60000;
  if (minutes < 1) return "less than a minute";
  return minutes == 1 ? "about a minute" : "about " + std::to_string(minutes) + " minutes";
}

// A sentence as a quote: fillers out, at most kMaxQuoteWords words, no stray quotation marks.
std::string quote(const std::string& sentence) {
  std::string out;
  size_t words = 0;
  for (const auto& w : tokenize(sentence)) {
    if (w.lower == "um" || w.lower == "uh" || w.lower == "umm" || w.lower == "uhm" || w.lower == "erm")
      continue;
    if (++words > kMaxQuoteWords) {
      out += "...";
      return capitalized(out);
    }
    if (!out.empty()) out += w.breakBefore ? ", " : " ";
    out += w.surface;
  }
  if (out.empty()) return out;
  const char last = sentence.find_last_not_of(" \"'") == std::string::npos
                        ? '.'
                        : sentence[sentence.find_last_not_of(" \"'")];
  out += (last == '?' || last == '!') ? last : '.';
  return capitalized(out);
}

std::string sessionPhrase(int64_t seconds, bool coaching) {
  const std::string length = lengthAdjective(seconds);
  return "this " + (length.empty() ? "" : length + " ") + (coaching ? "coaching session" : "session");
}

// Who talked, and how the talk was shared.
std::string talkSentence(const std::array<RoleTalk, 3>& talk, const std::vector<std::string>& speakers,
                         int64_t seconds) {
  const RoleTalk& coach = talk[0];
  const RoleTalk& client = talk[1];
  const RoleTalk& orb = talk[2];
  std::vector<std::string> humans;
  for (const auto& role : speakers) {
    if (role != "aiOrb") humans.push_back(role);
  }
  const bool bothHumans = humans.size() == 2;
  std::string out = "During " + sessionPhrase(seconds, bothHumans) + ", ";
  if (bothHumans && coach.talkMs + client.talkMs > 0) {
    out += "the coach spoke for " + std::to_string(coach.percentage) +
           "% of the talk time and the client for " + std::to_string(client.percentage) + "%";
  } else if (bothHumans) {
    out += "the coach and the client talked";
  } else if (humans.size() == 1) {
    out += "only " + roleNoun(humans[0]) + " spoke";
  } else {
    out += "only the AI Orb spoke";
  }
  out += ".";
  if (orb.talkMs > 0 && !humans.empty()) {
    out += " The AI Orb took part with " + std::to_string(orb.percentage) + "% of the talk time.";
  }
  return out;
}

}  // namespace

SummaryText ExtractiveSummaryEngine::summarize(const SummaryInput& in) {
  SummaryText out;
  out.engine = "embedded";
  out.sentiment = "neutral";
  const int64_t seconds = sessionSeconds(in);
  const auto talk = talkTime(in.segments);
  int64_t totalTalkMs = 0;
  std::vector<std::string> speakers;  // roles that talked or were transcribed, coach, client, orb order
  for (const auto& r : talk) {
    totalTalkMs += r.talkMs;
    const bool transcribed = std::any_of(in.segments.begin(), in.segments.end(),
                                         [&](const auto& s) { return s.role == r.role && !s.text.empty(); });
    if (r.talkMs > 0 || transcribed) speakers.push_back(r.role);
  }
  const bool anyText =
      std::any_of(in.segments.begin(), in.segments.end(), [](const auto& s) { return !s.text.empty(); });

  if (!anyText) {
    const std::string session = sessionPhrase(seconds, false);
    if (totalTalkMs > 0) {
      std::vector<std::string> nouns;
      for (const auto& role : speakers) nouns.push_back(roleNoun(role));
      out.textSummary =
          capitalized(joinList(nouns)) + " spoke for " + minutesOfTalk(totalTalkMs) + " in total during " +
          session + ", but " +
          (in.transcriptionEnabled ? "none of the speech could be transcribed."
                                   : "transcription was turned off, so there is no transcript.");
    } else if (!in.transcriptionEnabled) {
      out.textSummary =
          "Transcription was turned off for " + session + ", so there is no transcript to summarize.";
    } else {
      out.textSummary = "No speech was transcribed during " + session + ".";
    }
    return out;
  }

  // More highlights for longer conversations, but a summary stays a paragraph.
  const size_t segmentsWithText = static_cast<size_t>(
      std::count_if(in.segments.begin(), in.segments.end(), [](const auto& s) { return !s.text.empty(); }));
  const size_t highlightCount = std::clamp<size_t>(segmentsWithText / 150 + 2, 2, 5);
  const auto insights = analyzeTranscript(in.segments, highlightCount);
  out.keyTopics = insights.keyTopics;
  out.actionItems = insights.actionItems;
  out.sentiment = insights.sentiment;

  std::string text = talkSentence(talk, speakers, seconds);
  if (!out.keyTopics.empty()) text += " Key topics included " + joinList(out.keyTopics) + ".";
  std::string previousRole;
  for (size_t index : insights.highlights) {
    const auto& s = insights.sentences[index];
    const std::string q = quote(s.text);
    if (q.empty()) continue;
    text += " " + capitalized(roleNoun(s.role)) + (s.role == previousRole ? " added: \"" : " said: \"") + q +
            "\"";
    previousRole = s.role;
  }
  if (!out.actionItems.empty()) {
    text += " Action items: ";
    for (size_t i = 0; i < out.actionItems.size(); ++i) {
      text += (i > 0 ? ", " : "") + std::to_string(i + 1) + ") " + out.actionItems[i];
    }
    text += ".";
  }
  if (out.sentiment != "neutral") text += " The overall tone was " + out.sentiment + ".";
  out.textSummary = std::move(text);
  return out;
}

}  // namespace rooms::ai
