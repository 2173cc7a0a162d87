#pragma once
// A small blocking client for OpenAI-compatible servers: chat completions for the summary and the orb's
// dialog, audio transcriptions for speech recognition. Each call uses its own libcurl handle, so one
// client may be shared by worker threads; calls block for at most the endpoint's timeout and must never
// run on the control-plane or media thread.
#include <cstdint>
#include <string>
#include <vector>

#include "ai/ChatMessage.h"
#include "ai/OpenAiEndpoint.h"
#include "ai/OpenAiError.h"

namespace rooms::ai {

class OpenAiClient {
 public:
  explicit OpenAiClient(OpenAiEndpoint endpoint);

  // POST {base}/v1/chat/completions; returns choices[0].message.content. jsonObject asks the server for
  // response_format {"type":"json_object"}. Throws OpenAiError.
  std::string chat(const std::vector<ChatMessage>& messages, double temperature, bool jsonObject) const;

  // POST {base}/v1/audio/transcriptions with the samples (16 kHz mono) as a WAV file; returns "text".
  // language: ISO 639-1 ("en"), or empty to let the server detect it. Throws OpenAiError.
  std::string transcribe(const std::vector<int16_t>& pcm16kMono, const std::string& language) const;

  const OpenAiEndpoint& endpoint() const { return endpoint_; }
  // "{base}/v1/{path}", whether baseUrl ends in "/v1" or not.
  std::string urlFor(const std::string& path) const;

 private:
  OpenAiEndpoint endpoint_;
};

}  // namespace rooms::ai
