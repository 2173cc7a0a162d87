// Speech recognizers: the embedded pocketsphinx on a sentence synthesised by flite, and the HTTP engine
// against a real OpenAI-compatible server (tests/integration/helpers/fake-openai.mjs), including its
// fallback to the embedded engine when the server is slow, broken or down.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "FakeOpenAiProcess.h"
#include "ai/orb/OrbAddress.h"
#include "ai/speech/HttpSpeechRecognizer.h"
#include "ai/speech/PocketsphinxRecognizer.h"

namespace rooms::ai {
namespace {

using rooms::testing::FakeOpenAiProcess;

const char* kModelDir = "/usr/share/pocketsphinx/model/en-us";

// 16 kHz mono speech of `text`, synthesised by Debian's flite.
std::vector<int16_t> speech(const std::string& text) {
  const auto file =
      std::filesystem::temp_directory_path() / ("rooms-asr-test-" + std::to_string(::getpid()) + ".wav");
  const std::string cmd = "flite -voice rms -t \"" + text + "\" -o " + file.string();
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("flite failed");
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(file);
  for (size_t off = 12; off + 8 <= bytes.size();) {
    uint32_t size = 0;
    std::memcpy(&size, bytes.data() + off + 4, 4);
    if (std::string(bytes.data() + off, 4) == "data") {
      std::vector<int16_t> pcm(size / 2);
      std::memcpy(pcm.data(), bytes.data() + off + 8, pcm.size() * 2);
      return pcm;
    }
    off += 8 + size + (size % 2);
  }
  throw std::runtime_error("no data in flite's WAV");
}

TEST(PocketsphinxRecognizer, RecognisesASentence) {
  PocketsphinxRecognizer recognizer(kModelDir);
  const auto r =
      recognizer.recognize(speech("Next step is to schedule a meeting with the design team next week."));
  EXPECT_EQ(r.text, "next step is to schedule a meeting with the design team next week");
  EXPECT_EQ(r.engine, "pocketsphinx");
  EXPECT_GE(r.confidence, 0.0);
  EXPECT_LE(r.confidence, 1.0);
  EXPECT_EQ(recognizer.recognize({}).text, "");
}

TEST(PocketsphinxRecognizer, StreamsWordsWhileSpokenAndHearsItsName) {
  PocketsphinxRecognizer recognizer(kModelDir);
  const auto pcm = speech("Orb, what should I focus on this week?");
  recognizer.begin();
  std::vector<std::string> partials;
  for (size_t at = 0; at < pcm.size(); at += 1600) {
    recognizer.feed({pcm.data() + at, std::min<size_t>(1600, pcm.size() - at)});
    const auto p = recognizer.partial();
    if (!p.text.empty() && (partials.empty() || partials.back() != p.text)) partials.push_back(p.text);
  }
  Recognition r = recognizer.finish();
  EXPECT_GE(partials.size(), 3u) << "words appear while the sentence is spoken";
  // The language model writes the name as something else; the keyword pass heard it near the start.
  ASSERT_FALSE(r.keywordHits.empty());
  EXPECT_LT(r.keywordHits[0].startMs, 600);
  ASSERT_FALSE(r.words.empty());
  EXPECT_LE(r.words.front().startMs, r.words.back().startMs);
  EXPECT_LE(r.words.back().endMs, static_cast<int64_t>(pcm.size() / 16) + 50);
  EXPECT_TRUE(markOrbAddress(r)) << r.text;
  EXPECT_EQ(r.text, "orb what should i focus on this week");
  // The decoder is ready for the next utterance, and a sentence without the name has no hit at its start.
  Recognition other = recognizer.recognize(speech("I think we should focus on this week."));
  EXPECT_FALSE(markOrbAddress(other)) << other.text;
}

TEST(PocketsphinxRecognizer, MissingModelSaysWhere) {
  try {
    PocketsphinxRecognizer recognizer("/nonexistent/model");
    FAIL() << "loaded a model that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model"), std::string::npos) << e.what();
  }
}

class HttpSpeechRecognizerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<FakeOpenAiProcess>();
    pcm_ = speech("I will send the project plan to my manager by Friday.");
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    server_->configure(
        {{"mode", "ok"}, {"delayMs", 3000}, {"transcript", "  I will send the plan by Friday.  "}});
    server_->clearRequests();
  }
  static OpenAiEndpoint endpoint(int64_t timeoutMs = 5000) {
    return {server_->url(), "asr-key", "whisper-1", timeoutMs};
  }
  static std::unique_ptr<FakeOpenAiProcess> server_;
  static std::vector<int16_t> pcm_;
};
std::unique_ptr<FakeOpenAiProcess> HttpSpeechRecognizerTest::server_;
std::vector<int16_t> HttpSpeechRecognizerTest::pcm_;

TEST_F(HttpSpeechRecognizerTest, UsesTheServer) {
  HttpSpeechRecognizer recognizer(endpoint(), std::make_unique<PocketsphinxRecognizer>(kModelDir));
  const auto r = recognizer.recognize(pcm_);
  EXPECT_EQ(r.text, "I will send the plan by Friday.");
  EXPECT_EQ(r.engine, "http");
  const auto request = server_->requests().at(0);
  EXPECT_EQ(request["path"], "/v1/audio/transcriptions");
  EXPECT_EQ(request["fields"]["model"], "whisper-1");
  EXPECT_EQ(request["headers"]["authorization"], "Bearer asr-key");
}

TEST_F(HttpSpeechRecognizerTest, FallsBackWhenTheServerFails) {
  for (const char* mode : {"slow", "malformed", "wrong-types", "error"}) {
    server_->configure({{"mode", mode}});
    HttpSpeechRecognizer recognizer(endpoint(500), std::make_unique<PocketsphinxRecognizer>(kModelDir));
    const auto r = recognizer.recognize(pcm_);
    EXPECT_EQ(r.engine, "pocketsphinx") << mode;
    EXPECT_NE(r.text.find("manager by friday"), std::string::npos) << mode << ": " << r.text;
  }
}

TEST_F(HttpSpeechRecognizerTest, WithoutFallbackTheFailureIsReported) {
  server_->configure({{"mode", "error"}});
  HttpSpeechRecognizer recognizer(endpoint(), nullptr);
  EXPECT_THROW(recognizer.recognize(pcm_), std::runtime_error);
  HttpSpeechRecognizer refused({"http://127.0.0.1:1", "", "whisper-1", 1000}, nullptr);
  EXPECT_THROW(refused.recognize(pcm_), std::runtime_error);
}

}  // namespace
}  // namespace rooms::ai
