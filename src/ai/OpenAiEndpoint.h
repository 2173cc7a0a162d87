#pragma once
// Where an OpenAI-compatible server is and how to call it (llama.cpp server, vLLM, Ollama, whisper.cpp
// server, OpenAI itself).
#include <cstdint>
#include <string>

namespace rooms::ai {

struct OpenAiEndpoint {
  std::string baseUrl;  // "http://127.0.0.1:8080" or "https://api.openai.com/v1"
  std::string apiKey;   // sent as a bearer token when not empty; never logged
  std::string model;
  int64_t timeoutMs = 8000;  // the whole request, connect included
};

}  // namespace rooms::ai
