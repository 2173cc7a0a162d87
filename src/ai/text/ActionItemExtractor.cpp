#include "ai/text/ActionItemExtractor.h"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>
#include <unordered_set>

#include "ai/text/KeyPhraseExtractor.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

constexpr size_t kMaxItemWords = 12;
constexpr size_t kMinItemWords = 2;

struct Trigger {
  std::array<std::string_view, 5> words;
  int strength;             // 3: a commitment, 2: a plan, a need or a suggestion
  bool suggestion = false;  // "let's ...": the first verb is often conversational ("let's see")
};

// Longest first, so "i am going to" wins over "going to".
constexpr std::array<Trigger, 35> kTriggers = {{
    {{"the", "next", "step", "is", "to"}, 3},
    {{"our", "next", "step", "is", "to"}, 3},
    {{"my", "next", "step", "is", "to"}, 3},
    {{"i", "am", "going", "to"}, 3},
    {{"we", "are", "going", "to"}, 3},
    {{"next", "step", "is", "to"}, 3},
    {{"next", "steps", "are", "to"}, 3},
    {{"action", "item", "is", "to"}, 3},
    {{"your", "homework", "is", "to"}, 3},
    {{"my", "goal", "is", "to"}, 2},
    {{"i'm", "going", "to"}, 3},
    {{"we're", "going", "to"}, 3},
    {{"i'm", "planning", "to"}, 3},
    {{"i", "commit", "to"}, 3},
    {{"i", "promise", "to"}, 3},
    {{"i", "plan", "to"}, 3},
    {{"we", "plan", "to"}, 3},
    {{"i", "will"}, 3},
    {{"we", "will"}, 3},
    {{"i'll"}, 3},
    {{"we'll"}, 3},
    {{"commit", "to"}, 3},
    {{"plan", "to"}, 2},
    {{"you", "will"}, 2},
    {{"you'll"}, 2},
    {{"i", "need", "to"}, 2},
    {{"we", "need", "to"}, 2},
    {{"you", "need", "to"}, 2},
    {{"i", "have", "to"}, 2},
    {{"i've", "got", "to"}, 2},
    {{"make", "sure", "to"}, 2},
    {{"remember", "to"}, 2},
    {{"don't", "forget", "to"}, 2},
    {{"let", "us"}, 2, true},
    {{"let's"}, 2, true},
}};

// Words between the trigger and the verb that say nothing about the action.
bool isSkippable(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "definitely", "really", "also",    "just",       "probably",  "actually",  "then",
      "first",      "still",  "totally", "absolutely", "certainly", "finally",   "now",
      "maybe",      "um",     "uh",      "like",       "honestly",  "seriously", "personally",
      "happily",    "gladly", "quickly", "immediately"};
  return kWords.contains(w);
}

// Word groups before the verb that add nothing: "try to", "go ahead and", "at least". Returns their length.
size_t skippableGroup(const std::vector<Word>& words, size_t i) {
  auto is = [&](size_t k, std::string_view w) { return i + k < words.size() && words[i + k].lower == w; };
  if (is(0, "try") && is(1, "to")) return 2;
  if (is(0, "go") && is(1, "ahead") && is(2, "and")) return 3;
  if (is(0, "at") && is(1, "least")) return 2;
  return isSkippable(words[i].lower) ? 1 : 0;
}

// Verbs that follow "I'll" or "let's" in talk about the conversation itself ("I'll be honest", "let's see"),
// not about an action. "Talk to my team" and "tell my manager" are actions; "talk about it" is not.
bool isConversationalVerb(std::string_view w, std::string_view next, bool suggestion) {
  if ((w == "talk" || w == "speak") && (next == "to" || next == "with")) return false;
  if (w == "tell" && next != "you" && next != "them" && next != "me" && !next.empty()) return false;
  static const std::unordered_set<std::string_view> kAlways = {
      "be",      "see",   "say",   "tell",   "talk",  "think", "know",      "guess",     "admit",
      "mean",    "bet",   "hear",  "listen", "wrap",  "recap", "summarize", "summarise", "move",
      "been",    "not",   "never", "ever",   "i",     "you",   "we",        "it",        "that",
      "this",    "there", "here",  "what",   "how",   "why",   "when",      "so",        "if",
      "a",       "the",   "let",   "give",   "leave", "pause", "stop",      "keep",      "answer",
      "explain", "ask",   "need",  "want",   "have",  "get"};
  static const std::unordered_set<std::string_view> kAfterSuggestion = {
      "start",  "begin", "go",   "look", "dig",   "focus", "discuss", "explore", "take",  "come",    "circle",
      "switch", "turn",  "jump", "do",   "check", "hold",  "unpack",  "break",   "shift", "revisit", "spend"};
  return kAlways.contains(w) || (suggestion && kAfterSuggestion.contains(w));
}

// Where an item's clause ends: the next clause ("because ...", "but ...", "and I ...").
bool endsClause(const std::vector<Word>& words, size_t i) {
  static const std::unordered_set<std::string_view> kEnders = {
      "because", "but",    "so",      "since",     "although", "though", "unless",
      "cause",   "'cause", "whereas", "otherwise", "which",    "while",  "or"};
  static const std::unordered_set<std::string_view> kSubjects = {"i",   "we",   "you",    "i'll", "we'll",
                                                                 "i'm", "it's", "that's", "then"};
  const auto& w = words[i].lower;
  if (kEnders.contains(w)) return true;
  return w == "and" && i + 1 < words.size() && kSubjects.contains(words[i + 1].lower);
}

bool isTrailingFiller(std::string_view w) {
  static const std::unordered_set<std::string_view> kWords = {
      "and",  "or",     "the", "a",    "an",    "to",     "of",    "for",     "with", "that", "um",
      "uh",   "like",   "you", "know", "okay",  "ok",     "right", "yeah",    "too",  "then", "now",
      "as",   "well",   "in",  "on",   "at",    "my",     "your",  "our",     "some", "this", "so",
      "just", "really", "is",  "it's", "again", "anyway", "maybe", "probably"};
  return kWords.contains(w);
}

bool isFiller(std::string_view w) {
  return w == "um" || w == "uh" || w == "umm" || w == "uhm" || w == "er";
}

struct Found {
  std::string text;
  std::set<std::string> stems;
  int strength = 0;
  size_t order = 0;
};

bool matchesAt(const std::vector<Word>& words, size_t i, const Trigger& t, size_t& length) {
  length = 0;
  for (auto part : t.words) {
    if (part.empty()) break;
    if (i + length >= words.size() || words[i + length].lower != part) return false;
    if (length > 0 && words[i + length].breakBefore) return false;
    ++length;
  }
  return length > 0;
}

bool negatedBefore(const std::vector<Word>& words, size_t i) {
  if (i == 0) return false;
  const auto& prev = words[i - 1].lower;
  return prev == "don't" || prev == "not" || prev == "never" || prev == "won't" || prev == "if" ||
         prev == "whether" || prev == "do" || prev == "what" || prev == "why" || prev == "how";
}

// The item that starts after a trigger, or empty.
std::string itemAfter(const std::vector<Word>& words, size_t start, bool suggestion,
                      std::set<std::string>& stems) {
  size_t i = start;
  // "I'm going to, uh, definitely call ...": hedges, fillers and commas before the verb do not end the item.
  while (i < words.size()) {
    const size_t skip = skippableGroup(words, i);
    if (skip == 0) break;
    i += skip;
  }
  if (i >= words.size()) return {};
  const std::string_view next =
      i + 1 < words.size() ? std::string_view(words[i + 1].lower) : std::string_view();
  if (isConversationalVerb(words[i].lower, next, suggestion)) return {};
  std::vector<const Word*> item;
  for (; i < words.size() && item.size() < kMaxItemWords; ++i) {
    if (!item.empty() && (endsClause(words, i) || (words[i].breakBefore && item.size() >= 3))) break;
    if (words[i].breakBefore && !item.empty() && item.size() < 3) break;
    if (isFiller(words[i].lower)) continue;
    item.push_back(&words[i]);
  }
  while (!item.empty() && isTrailingFiller(item.back()->lower)) item.pop_back();
  if (item.size() < kMinItemWords) return {};
  // "Send it", "do that": the verb alone says too little to act on.
  bool objectHasContent = false;
  for (size_t k = 0; k < item.size(); ++k) {
    if (!isContentWord(item[k]->lower)) continue;
    objectHasContent = objectHasContent || k > 0;
    stems.insert(stem(item[k]->lower));
  }
  if (!objectHasContent) return {};
  std::string text;
  for (const Word* w : item) {
    if (!text.empty()) text += ' ';
    text += w->surface;
  }
  if (text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
  return text;
}

bool nearDuplicate(const std::set<std::string>& a, const std::set<std::string>& b) {
  size_t shared = 0;
  for (const auto& s : a) shared += b.count(s);
  const size_t smaller = std::min(a.size(), b.size());
  // Same content words, or one item is the other with a little more said.
  return smaller > 0 && (shared == smaller || static_cast<double>(shared) / smaller >= 0.75);
}

}  // namespace

std::vector<std::string> extractActionItems(const std::vector<std::string>& sentences, size_t maxItems) {
  std::vector<Found> found;
  size_t order = 0;
  for (const auto& sentence : sentences) {
    // A question ("what will I do?") asks for an action; it does not commit to one.
    if (sentence.find('?') != std::string::npos) continue;
    const auto words = tokenize(sentence);
    for (size_t i = 0; i < words.size(); ++i) {
      for (const auto& trigger : kTriggers) {
        size_t length = 0;
        if (!matchesAt(words, i, trigger, length) || negatedBefore(words, i)) continue;
        Found f;
        f.text = itemAfter(words, i + length, trigger.suggestion, f.stems);
        if (!f.text.empty()) {
          f.strength = trigger.strength;
          f.order = order++;
          const bool duplicate = std::any_of(found.begin(), found.end(),
                                             [&](const Found& o) { return nearDuplicate(o.stems, f.stems); });
          if (!duplicate) found.push_back(std::move(f));
        }
        i += length - 1;  // a trigger's words do not start another trigger
        break;
      }
    }
  }
  if (found.size() > maxItems) {
    std::stable_sort(found.begin(), found.end(),
                     [](const Found& a, const Found& b) { return a.strength > b.strength; });
    found.resize(maxItems);
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.order < b.order; });
  }
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.text));
  return out;
}

}  // namespace rooms::ai
