#include "ai/summary/LlmSummaryEngine.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ai/PromptTranscript.h"
#include "ai/summary/SessionFacts.h"
#include "ai/summary/TalkTime.h"
#include "core/Log.h"

namespace rooms::ai {
namespace {

constexpr size_t kTranscriptChars = 12000;
constexpr double kTemperature = 0.2;
constexpr size_t kMaxSummaryChars = 5000;
constexpr size_t kMaxTopics = 10;
constexpr size_t kMaxTopicChars = 100;
constexpr size_t kMaxItems = 20;
constexpr size_t kMaxItemChars = 300;
constexpr size_t kKeptTopics = 6;
constexpr size_t kKeptItems = 8;

constexpr const char* kSystemPrompt =
    "You summarize coaching sessions between a coach and a client; an AI participant, the AI Orb, may also "
    "speak. Answer with one JSON object and nothing else, with exactly these fields:\n"
    "\"textSummary\": a readable paragraph of 3 to 6 sentences for the coach: what the session covered and "
    "what the client decided, ending with \"Action items: 1) ..., 2) ...\" when there are any;\n"
    "\"keyTopics\": 3 to 6 short lowercase key phrases (an array of strings);\n"
    "\"actionItems\": the concrete commitments and next steps, each a short imperative phrase starting with "
    "a "
    "verb and without a trailing period (an array of strings, empty when there are none);\n"
    "\"sentiment\": the overall tone, exactly one of \"positive\", \"neutral\", \"negative\", \"mixed\".\n"
    "Use only what the transcript says; do not invent names, facts or commitments.";

std::string trimmed(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

std::vector<std::string> stringArray(const nlohmann::json& reply, const char* field, size_t maxEntries,
                                     size_t maxChars) {
  const auto it = reply.find(field);
  if (it == reply.end() || !it->is_array())
    throw std::invalid_argument(std::string(field) + " is not an array");
  if (it->size() > maxEntries) {
    throw std::invalid_argument(std::string(field) + " has " + std::to_string(it->size()) +
                                " entries (at most " + std::to_string(maxEntries) + ")");
  }
  std::vector<std::string> out;
  for (const auto& entry : *it) {
    if (!entry.is_string())
      throw std::invalid_argument(std::string(field) + " has an entry that is not a string");
    std::string s = trimmed(entry.get<std::string>());
    while (!s.empty() && s.back() == '.') s.pop_back();
    if (s.empty() || s.size() > maxChars) {
      throw std::invalid_argument(std::string(field) + " has an empty or overlong entry");
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string userPrompt(const SummaryInput& in) {
  std::string out = "Session facts:\n";
  const std::string length = lengthAdjective(sessionSeconds(in));
  out += "- length: " + (length.empty() ? std::string("unknown") : length) + "\n";
  out += "- share of talk time:";
  for (const auto& r : talkTime(in.segments))
    out += " " + roleNoun(r.role) + " " + std::to_string(r.percentage) + "%";
  out += "\n";
  if (!in.personality.empty()) out += "- the AI Orb's personality: " + in.personality + "\n";
  out += "\nTranscript (oldest first):\n" + promptTranscript(in.segments, kTranscriptChars);
  return out;
}

}  // namespace

LlmSummaryEngine::LlmSummaryEngine(OpenAiEndpoint endpoint, SummaryEngine& fallback)
    : client_(std::move(endpoint)), fallback_(fallback) {}

SummaryText LlmSummaryEngine::parseReply(const std::string& content) {
  const auto reply = nlohmann::json::parse(content, nullptr, false);
  if (reply.is_discarded()) throw std::invalid_argument("the answer is not JSON");
  if (!reply.is_object()) throw std::invalid_argument("the answer is not a JSON object");
  SummaryText out;
  out.engine = "llm";
  const auto summary = reply.find("textSummary");
  if (summary == reply.end() || !summary->is_string())
    throw std::invalid_argument("textSummary is not a string");
  out.textSummary = trimmed(summary->get<std::string>());
  if (out.textSummary.empty() || out.textSummary.size() > kMaxSummaryChars) {
    throw std::invalid_argument("textSummary is empty or longer than " + std::to_string(kMaxSummaryChars) +
                                " characters");
  }
  out.keyTopics = stringArray(reply, "keyTopics", kMaxTopics, kMaxTopicChars);
  out.actionItems = stringArray(reply, "actionItems", kMaxItems, kMaxItemChars);
  if (out.keyTopics.size() > kKeptTopics) out.keyTopics.resize(kKeptTopics);
  if (out.actionItems.size() > kKeptItems) out.actionItems.resize(kKeptItems);
  const auto sentiment = reply.find("sentiment");
  if (sentiment == reply.end() || !sentiment->is_string())
    throw std::invalid_argument("sentiment is not a string");
  out.sentiment = sentiment->get<std::string>();
  if (out.sentiment != "positive" && out.sentiment != "neutral" && out.sentiment != "negative" &&
      out.sentiment != "mixed") {
    throw std::invalid_argument("sentiment \"" + out.sentiment.substr(0, 40) + "\" is not one of the four");
  }
  return out;
}

SummaryText LlmSummaryEngine::summarize(const SummaryInput& in) {
  const bool anyText =
      std::any_of(in.segments.begin(), in.segments.end(), [](const auto& s) { return !s.text.empty(); });
  // Nothing for a model to read: the embedded engine says so just as well, without a network call.
  if (!anyText) return fallback_.summarize(in);
  const auto start = std::chrono::steady_clock::now();
  try {
    const std::string content =
        client_.chat({{"system", kSystemPrompt}, {"user", userPrompt(in)}}, kTemperature, true);
    SummaryText out = parseReply(content);
    log::info("summary_llm_done", {{"roomId", in.roomId},
                                   {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                              std::chrono::steady_clock::now() - start)
                                              .count()}});
    return out;
  } catch (const std::exception& e) {
    // OpenAiError, std::invalid_argument from parseReply, or anything else from the exchange.
    log::warn("summary_llm_fallback", {{"roomId", in.roomId}, {"reason", e.what()}});
  }
  return fallback_.summarize(in);
}

}  // namespace rooms::ai
