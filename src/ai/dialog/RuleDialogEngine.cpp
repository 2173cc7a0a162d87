#include "ai/dialog/RuleDialogEngine.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ai/text/KeyPhraseExtractor.h"
#include "ai/text/TranscriptInsights.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

enum class Intent { Actions, Recap, Focus, Time, Advice, Greeting, Thanks, Other };
enum class Personality { Supportive, Direct, Reflective };

using Slots = std::map<std::string, std::string>;  // "{topic}" -> "stress management"

Personality personalityOf(const std::string& p) {
  if (p == "direct") return Personality::Direct;
  if (p == "reflective") return Personality::Reflective;
  return Personality::Supportive;
}

// " word word " so that phrases match whole words only.
std::string normalized(const std::string& text) {
  std::string out = " ";
  for (const auto& w : tokenize(text)) out += w.lower + " ";
  return out;
}

bool mentions(const std::string& norm, std::initializer_list<std::string_view> phrases) {
  return std::any_of(phrases.begin(), phrases.end(), [&](std::string_view p) {
    return norm.find(" " + std::string(p) + " ") != std::string::npos;
  });
}

Intent intentOf(const std::string& utterance) {
  const std::string u = normalized(utterance);
  if (mentions(
          u, {"action item", "action items", "next step", "next steps", "to do", "to-do", "todo", "homework",
              "what should i do", "what do i need to do", "what did i commit", "what did i promise",
              "commitments", "my commitments", "what am i doing", "what are we doing"})) {
    return Intent::Actions;
  }
  if (mentions(u, {"summarize", "summarise", "summary", "recap", "sum up", "sum it up", "sum that up",
                   "what have we", "what did we talk", "what did we discuss", "what did we cover",
                   "where are we", "so far"})) {
    return Intent::Recap;
  }
  if (mentions(u, {"focus", "priority", "priorities", "prioritize", "prioritise", "most important",
                   "where should i start", "where do i start", "first step", "start with"})) {
    return Intent::Focus;
  }
  if (mentions(u,
               {"how long", "how much time", "what time", "time left", "time is it", "how many minutes"})) {
    return Intent::Time;
  }
  if (mentions(u, {"advice", "what do you think", "your thoughts", "your opinion", "suggest", "suggestion",
                   "suggestions", "recommend", "any ideas", "help me", "what would you", "should i", "tips",
                   "thoughts", "your take", "any input", "what can i"})) {
    return Intent::Advice;
  }
  const size_t words = tokenize(utterance).size();
  if (mentions(u, {"are you there", "you there", "can you hear", "are you listening", "you listening",
                   "are you with us"}) ||
      (words <= 6 && mentions(u, {"hello", "hi", "hey", "how are you", "good morning", "good afternoon",
                                  "good evening", "yo"}))) {
    return Intent::Greeting;
  }
  if (mentions(u, {"thank", "thanks", "thank you", "appreciate it", "that helps", "that was helpful",
                   "that's helpful", "cheers"})) {
    return Intent::Thanks;
  }
  return Intent::Other;
}

// First person to second person, so the orb can say back what someone said of themselves.
std::string mirrored(const std::string& text) {
  static const std::unordered_map<std::string_view, std::string_view> kSwap = {
      {"i", "you"},           {"me", "you"},     {"my", "your"},     {"mine", "yours"},
      {"myself", "yourself"}, {"i'm", "you're"}, {"i've", "you've"}, {"i'll", "you'll"},
      {"i'd", "you'd"},       {"am", "are"},     {"was", "were"}};
  std::string out;
  const auto words = tokenize(text);
  for (size_t i = 0; i < words.size(); ++i) {
    const auto& w = words[i];
    std::string piece = w.surface;
    const auto swap = kSwap.find(w.lower);
    // "was" only becomes "were" after "I"; other swaps always apply.
    if (swap != kSwap.end() && (w.lower != "was" || (i > 0 && words[i - 1].lower == "i"))) {
      piece = std::string(swap->second);
    }
    if (!out.empty()) out += w.breakBefore ? ", " : " ";
    out += piece;
  }
  return out;
}

std::string lowerFirst(std::string s) {
  if (s.size() > 1 && s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

std::string upperFirst(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? " and " : ", ";
    out += items[i];
  }
  return out;
}

// The latest short first-person statement of a human ("I feel stuck at work"), mirrored ("you feel stuck at
// work"), for reflective answers; empty if there is none.
std::string latestStatement(const TranscriptInsights& insights) {
  constexpr size_t kMinWords = 3, kMaxWords = 14;
  for (auto it = insights.sentences.rbegin(); it != insights.sentences.rend(); ++it) {
    if (it->text.find('?') != std::string::npos) continue;
    const auto words = tokenize(it->text);
    if (words.size() < kMinWords || words.size() > kMaxWords) continue;
    const auto& first = words[0].lower;
    if (first != "i" && first != "i'm" && first != "i've" && first != "my") continue;
    if (std::none_of(words.begin(), words.end(), [](const Word& w) { return isContentWord(w.lower); }))
      continue;
    return lowerFirst(mirrored(it->text));
  }
  return "";
}

std::string render(std::string_view templ, const Slots& slots) {
  std::string out(templ);
  for (const auto& [slot, value] : slots) {
    for (size_t at = out.find(slot); at != std::string::npos; at = out.find(slot, at + value.size())) {
      out.replace(at, slot.size(), value);
    }
  }
  return upperFirst(out);
}

// A template can be used when every slot it names has a value.
bool fillable(std::string_view templ, const Slots& slots) {
  for (size_t open = templ.find('{'); open != std::string_view::npos; open = templ.find('{', open + 1)) {
    const size_t close = templ.find('}', open);
    if (close == std::string_view::npos) return false;
    const auto slot = slots.find(std::string(templ.substr(open, close - open + 1)));
    if (slot == slots.end() || (slot->second.empty() && slot->first != "{, name}")) return false;
  }
  return true;
}

uint64_t mix(uint64_t x) {  // splitmix64: neighbouring seconds pick unrelated templates
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// What the orb said in the recent transcript, normalized, so it can avoid saying it again.
std::set<std::string> orbWords(const std::vector<TranscriptSegmentRecord>& recent) {
  std::set<std::string> out;
  for (const auto& s : recent) {
    if (s.role == "aiOrb" && !s.text.empty()) out.insert(normalized(s.text));
  }
  return out;
}

// One of the fillable templates, chosen by the elapsed time, skipping any the orb said in the recent
// transcript: consecutive check-ins differ, and a session hears every variant before one repeats.
std::string choose(std::initializer_list<std::string_view> templates, const Slots& slots,
                   const DialogRequest& request) {
  std::vector<std::string_view> usable;
  for (auto t : templates) {
    if (fillable(t, slots)) usable.push_back(t);
  }
  if (usable.empty()) return "";
  const uint64_t seed = mix(static_cast<uint64_t>(request.elapsedSeconds));
  const auto said = orbWords(request.recent);
  for (size_t k = 0; k < usable.size(); ++k) {
    std::string text = render(usable[(seed + k) % usable.size()], slots);
    if (!said.contains(normalized(text))) return text;
  }
  // Every variant was said already: anything but the very last words will do.
  std::string last;
  for (auto it = request.recent.rbegin(); it != request.recent.rend() && last.empty(); ++it) {
    if (it->role == "aiOrb" && !it->text.empty()) last = normalized(it->text);
  }
  for (size_t k = 0; k < usable.size(); ++k) {
    std::string text = render(usable[(seed + k) % usable.size()], slots);
    if (normalized(text) != last) return text;
  }
  return render(usable[seed % usable.size()], slots);
}

// The first fillable template: answers list their most informed wording first and a slot-free one last.
std::string best(std::initializer_list<std::string_view> templates, const Slots& slots,
                 const DialogRequest&) {
  for (auto t : templates) {
    if (fillable(t, slots)) return render(t, slots);
  }
  return "";
}

Slots slotsFor(const DialogRequest& request, const TranscriptInsights& insights) {
  Slots s;
  s["{, name}"] = request.speakerName.empty() ? "" : ", " + request.speakerName;
  s["{topic}"] = insights.keyTopics.empty() ? "" : insights.keyTopics[0];
  std::vector<std::string> topics(
      insights.keyTopics.begin(),
      insights.keyTopics.begin() + std::min<size_t>(3, insights.keyTopics.size()));
  s["{topics}"] = topics.size() >= 2 ? joinList(topics) : "";
  std::vector<std::string> items;
  for (size_t i = 0; i < insights.actionItems.size() && i < 3; ++i)
    items.push_back(lowerFirst(mirrored(insights.actionItems[i])));
  s["{items}"] = joinList(items);
  s["{item}"] = insights.actionItems.empty() ? "" : lowerFirst(mirrored(insights.actionItems.back()));
  s["{count}"] = insights.actionItems.size() > 1 ? std::to_string(insights.actionItems.size()) : "";
  const int64_t minutes = request.elapsedSeconds / 60;
  s["{minutes}"] = minutes >= 2 ? std::to_string(minutes) : "";
  s["{statement}"] = latestStatement(insights);
  return s;
}

std::string answer(Intent intent, Personality p, const Slots& s, const DialogRequest& r,
                   const TranscriptInsights& insights) {
  const bool troubled = insights.sentiment == "negative" || insights.sentiment == "mixed";
  switch (intent) {
    case Intent::Actions:
      if (p == Personality::Direct) {
        return best({"Your next steps: {items}. Which one comes first, and by when?",
                     "I haven't heard a firm commitment yet. What will you do, and by when?"},
                    s, r);
      }
      if (p == Personality::Reflective) {
        return best({"The next steps I've heard are: {items}. How do those feel to you?",
                     "No clear next step has come up yet. What would feel like a meaningful first step?"},
                    s, r);
      }
      return best(
          {"Here are the next steps I've heard: {items}. That's a solid plan.",
           "I haven't heard a specific next step yet. What's one small thing you could do this week?"},
          s, r);
    case Intent::Recap:
      if (p == Personality::Direct) {
        return best({"So far: {topics}. Next steps: {items}. What's still open?",
                     "So far we've covered {topics}. What will you commit to?",
                     "So far we've focused on {topic}. What will you commit to?",
                     "Not much to recap yet. What do you want to get out of this session?"},
                    s, r);
      }
      if (p == Personality::Reflective) {
        return best({"So far we've talked about {topics}. Which of those feels most important to you?",
                     "We've spent most of our time on {topic}. What has stood out to you about it?",
                     "We're just getting started. What would you like to explore?"},
                    s, r);
      }
      return best(
          {"So far we've talked about {topics}, and you've named next steps: {items}. That's good progress.",
           "So far we've talked about {topics}. You've covered a lot of ground.",
           "So far we've mostly talked about {topic}. You're making good progress.",
           "We're just getting started, and that's fine. What would you like to focus on?"},
          s, r);
    case Intent::Focus:
      if (p == Personality::Direct) {
        return best({"Focus on {topic}. Pick one action on it and set a deadline.",
                     "Decide what matters most this week, then commit to one action on it."},
                    s, r);
      }
      if (p == Personality::Reflective) {
        return best({"You've come back to {topic} a few times. What would change if you made progress there?",
                     "What feels most pressing to you right now, and why?"},
                    s, r);
      }
      return best({"From what I've heard, {topic} seems to matter most right now. Maybe start there, with "
                   "one small step.",
                   "It's still early. What outcome would make this session worthwhile for you?"},
                  s, r);
    case Intent::Time:
      return best({"We're about {minutes} minutes into the session.", "We've only just started the session."},
                  s, r);
    case Intent::Advice:
      if (p == Personality::Direct) {
        return best(
            {"My advice: turn {topic} into one concrete action this week, and report back when it's done.",
             "Keep it simple: choose one action, put a date on it, and do it."},
            s, r);
      }
      if (p == Personality::Reflective) {
        return best({"What do you think would help most with {topic}? You may know more than you give "
                     "yourself credit for.",
                     "Before I answer, what does your own instinct tell you?"},
                    s, r);
      }
      if (troubled) {
        return best({"It sounds like {topic} has been weighing on you. Be patient with yourself and take it "
                     "one step at a time.",
                     "This sounds hard, and it's okay to take it one step at a time."},
                    s, r);
      }
      return best({"I think you're on the right track with {topic}. Take it one step at a time and notice "
                   "what works.",
                   "You're on the right track. Take it one step at a time and notice what works."},
                  s, r);
    case Intent::Greeting:
      if (p == Personality::Direct) return best({"I'm here{, name}. What do you need from me?"}, s, r);
      if (p == Personality::Reflective)
        return best({"I'm here{, name}, listening. What's on your mind right now?"}, s, r);
      return best(
          {"I'm here{, name}, listening and happy to help. Just say my name whenever you'd like my input."},
          s, r);
    case Intent::Thanks:
      if (p == Personality::Direct) return best({"You're welcome. Let's keep the momentum going."}, s, r);
      if (p == Personality::Reflective)
        return best({"You're welcome{, name}. What's standing out to you so far?"}, s, r);
      return best({"You're very welcome{, name}. You're putting real effort into this."}, s, r);
    case Intent::Other:
      break;
  }
  if (p == Personality::Direct) {
    return best({"Let's keep it practical{, name}: what's one action you can take on {topic}?",
                 "Let's keep it practical{, name}: what's the one thing you'll do next?"},
                s, r);
  }
  if (p == Personality::Reflective) {
    return best({"It sounds like {statement}. Tell me more about that.",
                 "That's worth thinking about{, name}. What does your own instinct say?"},
                s, r);
  }
  return best({"Good question{, name}. From what I've heard, {topic} is central here. What feels like the "
               "right next step?",
               "Good question{, name}. What feels like the right next step for you?"},
              s, r);
}

std::string checkIn(Personality p, const Slots& s, const DialogRequest& r) {
  if (p == Personality::Direct) {
    return choose({"Check-in: we're {minutes} minutes in. What's the one decision you want to leave with?",
                   "Time check: {minutes} minutes in. What will you commit to on {topic}?",
                   "You've said you'll {item}. By when, exactly?",
                   "Let's keep it concrete. What's the next action, and when will you do it?",
                   "We've covered {topic}. Is it time to turn it into a commitment?"},
                  s, r);
  }
  if (p == Personality::Reflective) {
    return choose({"You've mentioned {topic} a few times. What does it mean to you?",
                   "I'm noticing a theme around {topic}. What feels most true about it right now?",
                   "It sounds like {statement}. What's underneath that?",
                   "Let's pause for a moment. What has stood out to you so far in this conversation?",
                   "What would you like to be different by the end of this session?"},
                  s, r);
  }
  return choose(
      {"Just checking in: you're doing great work here. How are you feeling about {topic} so far?",
       "You've been putting real thought into this. Is there anything I can help with?",
       "I'm still here and listening. It sounds like {topic} really matters to you, so keep going.",
       "Nice progress so far. You've already named a next step: {item}.",
       "Quick check-in from me: how's the energy? Feel free to take a breath before the next topic."},
      s, r);
}

}  // namespace

std::string RuleDialogEngine::reply(const DialogRequest& request) {
  const auto insights = analyzeTranscript(request.recent, 0);
  const Slots slots = slotsFor(request, insights);
  const Personality p = personalityOf(request.personality);
  std::string text = request.trigger == DialogTrigger::CheckIn
                         ? checkIn(p, slots, request)
                         : answer(intentOf(request.utterance), p, slots, request, insights);
  // Every list above ends in a template without slots, so this only guards against a future edit.
  return text.empty() ? "I'm here and listening." : text;
}

}  // namespace rooms::ai
