#include "ai/OpenAiClient.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "FakeOpenAiProcess.h"
#include "ai/WavEncoder.h"

namespace rooms::ai {
namespace {

using rooms::testing::FakeOpenAiProcess;

class OpenAiClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = std::make_unique<FakeOpenAiProcess>(); }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override {
    server_->configure({{"mode", "ok"}, {"delayMs", 2000}});
    server_->clearRequests();
  }

  static OpenAiEndpoint endpoint(int64_t timeoutMs = 5000) {
    return {server_->url(), "test-secret-key", "test-model", timeoutMs};
  }

  static OpenAiError::Kind chatFailure(const OpenAiClient& client, std::string* message = nullptr) {
    try {
      client.chat({{"user", "hello"}}, 0.5, false);
    } catch (const OpenAiError& e) {
      if (message) *message = e.what();
      return e.kind();
    }
    ADD_FAILURE() << "chat did not throw";
    return OpenAiError::Kind::Connect;
  }

  static std::unique_ptr<FakeOpenAiProcess> server_;
};

std::unique_ptr<FakeOpenAiProcess> OpenAiClientTest::server_;

TEST_F(OpenAiClientTest, ChatSendsAnOpenAiRequestAndReturnsTheContent) {
  server_->configure({{"chatReply", "Keep going, you are doing well."}});
  OpenAiClient client(endpoint());
  const std::string reply = client.chat({{"system", "be brief"}, {"user", "how am I doing?"}}, 0.7, false);
  EXPECT_EQ(reply, "Keep going, you are doing well.");

  const auto requests = server_->requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& r = requests[0];
  EXPECT_EQ(r["path"], "/v1/chat/completions");
  EXPECT_EQ(r["headers"]["authorization"], "Bearer test-secret-key");
  EXPECT_EQ(r["headers"]["content-type"], "application/json");
  EXPECT_EQ(r["json"]["model"], "test-model");
  EXPECT_DOUBLE_EQ(r["json"]["temperature"].get<double>(), 0.7);
  ASSERT_EQ(r["json"]["messages"].size(), 2u);
  EXPECT_EQ(r["json"]["messages"][0]["role"], "system");
  EXPECT_EQ(r["json"]["messages"][1]["content"], "how am I doing?");
  EXPECT_FALSE(r["json"].contains("response_format"));
}

TEST_F(OpenAiClientTest, JsonObjectAsksForAJsonResponseFormat) {
  OpenAiClient client(endpoint());
  const auto content = nlohmann::json::parse(client.chat({{"user", "summarize"}}, 0.2, true));
  EXPECT_EQ(content["sentiment"], "positive");
  EXPECT_EQ(server_->requests()[0]["json"]["response_format"]["type"], "json_object");
}

TEST_F(OpenAiClientTest, AcceptsABaseUrlThatAlreadyEndsInV1) {
  OpenAiEndpoint ep = endpoint();
  ep.baseUrl += "/v1/";
  OpenAiClient client(ep);
  EXPECT_EQ(client.urlFor("chat/completions"), server_->url() + "/v1/chat/completions");
  EXPECT_FALSE(client.chat({{"user", "hi"}}, 0, false).empty());
  EXPECT_EQ(server_->requests()[0]["path"], "/v1/chat/completions");
}

TEST_F(OpenAiClientTest, SendsNoAuthorizationWithoutAKey) {
  OpenAiEndpoint ep = endpoint();
  ep.apiKey.clear();
  OpenAiClient(ep).chat({{"user", "hi"}}, 0, false);
  EXPECT_FALSE(server_->requests()[0]["headers"].contains("authorization"));
}

TEST_F(OpenAiClientTest, TranscribeUploadsAWavFileAsMultipartForm) {
  server_->configure({{"transcript", "I will send the plan by Friday"}});
  std::vector<int16_t> pcm(16000);  // one second
  for (size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<int16_t>((i % 100) * 300 - 15000);
  OpenAiClient client(endpoint());
  EXPECT_EQ(client.transcribe(pcm, "en"), "I will send the plan by Friday");

  const auto r = server_->requests().at(0);
  EXPECT_EQ(r["path"], "/v1/audio/transcriptions");
  EXPECT_EQ(r["headers"]["authorization"], "Bearer test-secret-key");
  EXPECT_EQ(r["fields"]["model"], "test-model");
  EXPECT_EQ(r["fields"]["response_format"], "json");
  EXPECT_EQ(r["fields"]["language"], "en");
  EXPECT_EQ(r["file"]["name"], "file");
  EXPECT_EQ(r["file"]["contentType"], "audio/wav");
  EXPECT_EQ(r["file"]["size"], 44 + 32000);
  const std::string header = r["file"]["headerHex"];
  EXPECT_EQ(header.substr(0, 8), "52494646");            // "RIFF"
  EXPECT_EQ(header.substr(16, 16), "57415645666d7420");  // "WAVEfmt "
  EXPECT_EQ(header.substr(48, 8), "803e0000");           // 16000 Hz, little-endian
  EXPECT_EQ(header.substr(80, 8), "007d0000");           // 32000 data bytes
}

TEST_F(OpenAiClientTest, TranscribeWithoutLanguageLeavesTheFieldOut) {
  OpenAiClient(endpoint()).transcribe(std::vector<int16_t>(1600), "");
  EXPECT_FALSE(server_->requests()[0]["fields"].contains("language"));
}

TEST_F(OpenAiClientTest, TimeoutIsReportedAsTimeoutWithinTheLimit) {
  server_->configure({{"mode", "slow"}, {"delayMs", 3000}});
  OpenAiClient client(endpoint(300));
  const auto start = std::chrono::steady_clock::now();
  std::string message;
  EXPECT_EQ(chatFailure(client, &message), OpenAiError::Kind::Timeout);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
  EXPECT_NE(message.find("timed out after 300 ms"), std::string::npos) << message;
  EXPECT_THROW(client.transcribe(std::vector<int16_t>(160), "en"), OpenAiError);
}

TEST_F(OpenAiClientTest, NonJsonBodyIsMalformed) {
  server_->configure({{"mode", "malformed"}});
  OpenAiClient client(endpoint());
  EXPECT_EQ(chatFailure(client), OpenAiError::Kind::MalformedJson);
  try {
    client.transcribe(std::vector<int16_t>(160), "en");
    FAIL() << "transcribe did not throw";
  } catch (const OpenAiError& e) {
    EXPECT_EQ(e.kind(), OpenAiError::Kind::MalformedJson);
  }
}

TEST_F(OpenAiClientTest, WrongTypesAreAMissingField) {
  server_->configure({{"mode", "wrong-types"}});
  OpenAiClient client(endpoint());
  std::string message;
  EXPECT_EQ(chatFailure(client, &message), OpenAiError::Kind::MissingField);
  EXPECT_NE(message.find("choices[0].message.content"), std::string::npos) << message;
  try {
    client.transcribe(std::vector<int16_t>(160), "en");
    FAIL() << "transcribe did not throw";
  } catch (const OpenAiError& e) {
    EXPECT_EQ(e.kind(), OpenAiError::Kind::MissingField);
  }
}

TEST_F(OpenAiClientTest, ServerErrorCarriesStatusAndBodyButNotTheKey) {
  server_->configure({{"mode", "error"}});
  OpenAiClient client(endpoint());
  std::string message;
  EXPECT_EQ(chatFailure(client, &message), OpenAiError::Kind::Http);
  EXPECT_NE(message.find("HTTP 500"), std::string::npos) << message;
  EXPECT_NE(message.find("internal error"), std::string::npos) << message;
  EXPECT_EQ(message.find("test-secret-key"), std::string::npos) << message;
}

TEST_F(OpenAiClientTest, ConnectionRefusedIsAConnectError) {
  OpenAiClient client({rooms::testing::refusedUrl(), "k", "m", 2000});
  std::string message;
  EXPECT_EQ(chatFailure(client, &message), OpenAiError::Kind::Connect);
  EXPECT_NE(message.find("failed"), std::string::npos) << message;
}

TEST(WavEncoderTest, WritesACanonicalPcmHeader) {
  const std::string wav = encodeWav({1, -2, 0x1234}, 16000, 1);
  ASSERT_EQ(wav.size(), 44u + 6u);
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(static_cast<uint8_t>(wav[4]), 36 + 6);
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(wav[20], 1);                           // PCM
  EXPECT_EQ(wav[22], 1);                           // mono
  EXPECT_EQ(static_cast<uint8_t>(wav[28]), 0x00);  // byte rate 32000 = 0x7d00
  EXPECT_EQ(static_cast<uint8_t>(wav[29]), 0x7d);
  EXPECT_EQ(wav[32], 2);   // block align
  EXPECT_EQ(wav[34], 16);  // bits per sample
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(static_cast<uint8_t>(wav[40]), 6);
  EXPECT_EQ(static_cast<uint8_t>(wav[44]), 1);
  EXPECT_EQ(static_cast<uint8_t>(wav[46]), 0xfe);  // -2, little-endian
  EXPECT_EQ(static_cast<uint8_t>(wav[47]), 0xff);
  EXPECT_EQ(static_cast<uint8_t>(wav[48]), 0x34);
  EXPECT_EQ(static_cast<uint8_t>(wav[49]), 0x12);
}

}  // namespace
}  // namespace rooms::ai
