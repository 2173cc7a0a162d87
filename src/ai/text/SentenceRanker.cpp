#include "ai/text/SentenceRanker.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "ai/text/KeyPhraseExtractor.h"
#include "ai/text/Words.h"

namespace rooms::ai {
namespace {

constexpr size_t kMinWords = 6;
constexpr size_t kMinContentWords = 3;
constexpr double kDamping = 0.85;
constexpr int kIterations = 30;
constexpr double kQuestionWeight = 0.8;  // a statement says more about the session than a question
// A candidate sharing half the content words of the shorter of it and an earlier pick repeats that pick.
constexpr double kRepeatOverlap = 0.5;

struct Node {
  size_t index;
  std::vector<int> terms;  // sorted distinct content-word ids
  bool question;
};

size_t sharedTerms(const std::vector<int>& a, const std::vector<int>& b) {
  size_t shared = 0;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i] == b[j]) {
      ++shared, ++i, ++j;
    } else if (a[i] < b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return shared;
}

}  // namespace

std::vector<size_t> rankSentences(const std::vector<std::string>& sentences, size_t count) {
  std::unordered_map<std::string, int> termIds;
  std::vector<Node> nodes;
  for (size_t i = 0; i < sentences.size(); ++i) {
    const auto words = tokenize(sentences[i]);
    if (words.size() < kMinWords) continue;
    Node node{i, {}, sentences[i].find('?') != std::string::npos};
    for (const auto& w : words) {
      if (!isContentWord(w.lower)) continue;
      node.terms.push_back(
          termIds.try_emplace(stem(w.lower), static_cast<int>(termIds.size())).first->second);
    }
    std::sort(node.terms.begin(), node.terms.end());
    node.terms.erase(std::unique(node.terms.begin(), node.terms.end()), node.terms.end());
    if (node.terms.size() >= kMinContentWords) nodes.push_back(std::move(node));
  }
  if (nodes.empty() || count == 0) return {};

  // Edge weights as in the TextRank paper: shared words, normalised by sentence lengths.
  const size_t n = nodes.size();
  std::vector<std::vector<std::pair<size_t, double>>> edges(n);
  std::vector<double> outWeight(n, 0);
  for (size_t a = 0; a < n; ++a) {
    for (size_t b = a + 1; b < n; ++b) {
      const size_t shared = sharedTerms(nodes[a].terms, nodes[b].terms);
      if (shared == 0) continue;
      const double w =
          static_cast<double>(shared) / (std::log(static_cast<double>(nodes[a].terms.size()) + 1) +
                                         std::log(static_cast<double>(nodes[b].terms.size()) + 1));
      edges[a].emplace_back(b, w);
      edges[b].emplace_back(a, w);
      outWeight[a] += w;
      outWeight[b] += w;
    }
  }
  std::vector<double> rank(n, 1.0), next(n);
  for (int it = 0; it < kIterations; ++it) {
    for (size_t a = 0; a < n; ++a) {
      double sum = 0;
      for (const auto& [b, w] : edges[a]) sum += w / outWeight[b] * rank[b];
      next[a] = (1 - kDamping) + kDamping * sum;
    }
    rank.swap(next);
  }
  for (size_t a = 0; a < n; ++a) {
    if (nodes[a].question) rank[a] *= kQuestionWeight;
  }

  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return rank[a] > rank[b]; });
  std::vector<size_t> picked;  // node positions
  for (size_t a : order) {
    if (picked.size() >= count) break;
    const bool repeats = std::any_of(picked.begin(), picked.end(), [&](size_t p) {
      const size_t shared = sharedTerms(nodes[a].terms, nodes[p].terms);
      return static_cast<double>(shared) / std::min(nodes[a].terms.size(), nodes[p].terms.size()) >=
             kRepeatOverlap;
    });
    if (!repeats) picked.push_back(a);
  }
  std::vector<size_t> out;
  for (size_t p : picked) out.push_back(nodes[p].index);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace rooms::ai
