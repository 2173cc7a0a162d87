#include "ai/text/SentimentAnalyzer.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

constexpr int kNegationReach = 3;  // words after "not" that it flips
constexpr int kMinimumEvidence = 3;

bool isPositive(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "good",       "great",      "excellent",   "amazing",      "awesome",    "wonderful",    "fantastic",
      "happy",      "happier",    "glad",        "excited",      "exciting",   "love",         "loved",
      "enjoy",      "enjoyed",    "enjoying",    "confident",    "proud",      "progress",     "improve",
      "improved",   "improving",  "improvement", "better",       "best",       "success",      "successful",
      "win",        "wins",       "won",         "achieve",      "achieved",   "accomplished", "helpful",
      "helped",     "useful",     "clear",       "clearer",      "clarity",    "calm",         "calmer",
      "relaxed",    "relieved",   "grateful",    "thankful",     "appreciate", "appreciated",  "hopeful",
      "hope",       "optimistic", "motivated",   "motivating",   "inspired",   "inspiring",    "energized",
      "energised",  "positive",   "strong",      "stronger",     "easier",     "comfortable",  "supported",
      "supportive", "encouraged", "encouraging", "breakthrough", "growth",     "thrilled",     "delighted",
      "pleased",    "satisfied",  "fun",         "nice",         "brilliant",  "perfect",      "impressive",
      "ready",      "capable",    "empowered",   "focused",      "productive", "rewarding",    "valuable",
      "celebrate",  "celebrated", "liked",       "peaceful",     "balanced",   "healthy",      "rested",
      "resilient",  "succeed",    "succeeded",   "thriving",     "promising",  "benefit",      "opportunity",
      "welcome"};
  return kWords.contains(w);
}

bool isNegative(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "bad",           "worse",          "worst",        "terrible",   "awful",     "horrible",
      "sad",           "unhappy",        "upset",        "angry",      "mad",       "frustrated",
      "frustrating",   "frustration",    "stressed",     "stress",     "stressful", "anxious",
      "anxiety",       "worried",        "worry",        "worrying",   "afraid",    "scared",
      "fear",          "overwhelmed",    "overwhelming", "tired",      "exhausted", "exhausting",
      "burnout",       "burned",         "burnt",        "drained",    "stuck",     "lost",
      "confused",      "confusing",      "difficult",    "hard",       "struggle",  "struggling",
      "struggled",     "problem",        "problems",     "issue",      "issues",    "fail",
      "failed",        "failing",        "failure",      "mistake",    "mistakes",  "wrong",
      "hate",          "hated",          "hurt",         "hurts",      "pain",      "painful",
      "lonely",        "guilty",         "guilt",        "ashamed",    "shame",     "disappointed",
      "disappointing", "disappointment", "annoyed",      "annoying",   "nervous",   "panic",
      "conflict",      "crisis",         "miserable",    "hopeless",   "helpless",  "depressed",
      "doubt",         "doubts",         "insecure",     "missed",     "pressure",  "tense",
      "tension",       "unfair",         "blame",        "blamed",     "sick",      "boring",
      "bored",         "weak",           "impossible",   "chaos",      "chaotic",   "mess",
      "messy",         "worthless",      "useless",      "regret",     "resent",    "resentful",
      "overworked",    "overloaded",     "sucks",        "difficulty", "trouble",   "toxic",
      "drowning",      "dread",          "dreading",     "cry",        "crying"};
  return kWords.contains(w);
}

bool isNegator(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "not",     "no",      "never",  "don't",   "doesn't",  "didn't", "isn't",    "wasn't",
      "aren't",  "weren't", "can't",  "cannot",  "couldn't", "won't",  "wouldn't", "shouldn't",
      "haven't", "hasn't",  "hadn't", "nothing", "nobody",   "hardly", "barely",   "without",
      "neither", "nor",     "ain't",  "less",    "lack"};
  return kWords.contains(w);
}

}  // namespace

SentimentScore scoreSentiment(const std::vector<std::string>& sentences) {
  SentimentScore score;
  for (const auto& sentence : sentences) {
    int negatedFor = 0;
    for (const auto& w : tokenize(sentence)) {
      if (w.breakBefore) negatedFor = 0;
      if (isNegator(w.lower)) {
        negatedFor = kNegationReach;
        continue;
      }
      const bool flip = negatedFor > 0;
      if (negatedFor > 0) --negatedFor;
      if (isPositive(w.lower)) {
        ++(flip ? score.negative : score.positive);
      } else if (isNegative(w.lower)) {
        ++(flip ? score.positive : score.negative);
      }
    }
  }
  return score;
}

std::string classifySentiment(const SentimentScore& score) {
  const int total = score.positive + score.negative;
  if (total < kMinimumEvidence) return "neutral";
  const double positiveShare = static_cast<double>(score.positive) / total;
  if (positiveShare >= 0.65) return "positive";
  if (positiveShare <= 0.35) return "negative";
  // Both sides present in strength: a session that moved between struggle and hope.
  if (std::min(score.positive, score.negative) >= 2) return "mixed";
  return "neutral";
}

}  // namespace rooms::ai
