#include "ai/text/KeyPhraseExtractor.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "ai/text/Stopwords.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

constexpr size_t kMaxPhraseWords = 3;
// Below this many candidate occurrences a conversation is too short for repetition to mean anything.
constexpr size_t kRecurrenceThreshold = 40;

struct Candidate {
  std::vector<std::string> stems;
  std::map<std::string, int> surfaces;  // lowercased spelling -> times said that way
  int count = 0;
  size_t firstSeen = 0;
  double score = 0;
};

bool isSubset(const std::set<std::string>& a, const std::set<std::string>& b) {
  return std::includes(b.begin(), b.end(), a.begin(), a.end());
}

}  // namespace

bool isContentWord(const std::string& w) {
  if (w.size() < 3 || isStopword(w)) return false;
  return std::any_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c & 0x80); });
}

std::vector<std::string> extractKeyPhrases(const std::vector<std::string>& sentences, size_t maxPhrases) {
  std::unordered_map<std::string, Candidate> candidates;  // key: stems joined by spaces
  std::unordered_map<std::string, double> wordFrequency, wordDegree;
  size_t order = 0, occurrences = 0;

  auto addRun = [&](const std::vector<const Word*>& run) {
    if (run.empty()) return;
    // Long runs are usually recogniser word salad; their words still count alone.
    std::vector<std::vector<const Word*>> phrases;
    if (run.size() <= kMaxPhraseWords) {
      phrases.push_back(run);
    } else {
      for (const Word* w : run) phrases.push_back({w});
    }
    for (const auto& phrase : phrases) {
      std::string key, surface;
      std::vector<std::string> stems;
      for (const Word* w : phrase) {
        stems.push_back(stem(w->lower));
        key += (key.empty() ? "" : " ") + stems.back();
        surface += (surface.empty() ? "" : " ") + w->lower;
        wordFrequency[stems.back()] += 1;
        wordDegree[stems.back()] += static_cast<double>(phrase.size());
      }
      auto [it, inserted] = candidates.try_emplace(key);
      if (inserted) {
        it->second.stems = std::move(stems);
        it->second.firstSeen = order++;
      }
      it->second.count++;
      it->second.surfaces[surface]++;
      ++occurrences;
    }
  };

  for (const auto& sentence : sentences) {
    std::vector<const Word*> run;
    const auto words = tokenize(sentence);
    for (const auto& w : words) {
      if (w.breakBefore || !isContentWord(w.lower)) {
        addRun(run);
        run.clear();
      }
      if (isContentWord(w.lower)) run.push_back(&w);
    }
    addRun(run);
  }

  const int minCount = occurrences >= kRecurrenceThreshold ? 2 : 1;
  std::vector<Candidate*> ranked;
  // A multi-word phrase said inside a longer run ("a proper morning routine") was said too.
  std::unordered_map<const Candidate*, int> containedCount;
  for (const auto& [key, c] : candidates) {
    for (size_t from = 0; c.stems.size() > 2 && from < c.stems.size(); ++from) {
      for (size_t length = 2; from + length <= c.stems.size() && length < c.stems.size(); ++length) {
        std::string sub;
        for (size_t k = from; k < from + length; ++k) sub += (sub.empty() ? "" : " ") + c.stems[k];
        const auto inner = candidates.find(sub);
        if (inner != candidates.end()) containedCount[&inner->second] += c.count;
      }
    }
  }
  for (auto& [key, c] : candidates) {
    // RAKE's degree over frequency favours words that live in longer phrases; how often the phrase and its
    // words recur is what makes it a topic of a conversation rather than a one-off.
    double rake = 0, recurrence = 0;
    for (const auto& s : c.stems) {
      rake += wordDegree[s] / wordFrequency[s];
      recurrence += wordFrequency[s] - 1;
    }
    c.score = (c.count + containedCount[&c]) * rake + recurrence;
    ranked.push_back(&c);
  }
  std::sort(ranked.begin(), ranked.end(), [](const Candidate* a, const Candidate* b) {
    if (a->score != b->score) return a->score > b->score;
    return a->firstSeen < b->firstSeen;
  });

  std::vector<std::string> out;
  std::vector<std::set<std::string>> chosen;
  auto take = [&](int minTimesSaid, size_t limit) {
    for (const Candidate* c : ranked) {
      if (out.size() >= limit) break;
      if (c->count < minTimesSaid) continue;
      std::set<std::string> stems(c->stems.begin(), c->stems.end());
      const bool overlaps = std::any_of(chosen.begin(), chosen.end(), [&](const std::set<std::string>& s) {
        return isSubset(stems, s) || isSubset(s, stems);
      });
      if (overlaps) continue;
      // The spelling said most often (ties: the alphabetically first, for determinism).
      const auto best = std::max_element(c->surfaces.begin(), c->surfaces.end(),
                                         [](const auto& a, const auto& b) { return a.second < b.second; });
      out.push_back(best->first);
      chosen.push_back(std::move(stems));
    }
  };
  take(minCount, maxPhrases);
  // A conversation with too few recurring phrases still gets up to three, from ones said once.
  if (minCount > 1) take(1, std::min<size_t>(3, maxPhrases));
  return out;
}

}  // namespace rooms::ai
