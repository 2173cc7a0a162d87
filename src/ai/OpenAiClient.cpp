#include "ai/OpenAiClient.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>

#include "ai/WavEncoder.h"
#include "core/Curl.h"

namespace rooms::ai {
namespace {

constexpr size_t kMaxResponseBytes = 8 * 1024 * 1024;
constexpr size_t kErrorBodyBytes = 200;
constexpr uint32_t kSampleRate = 16000;

struct MimeDeleter {
  void operator()(curl_mime* m) const noexcept { curl_mime_free(m); }
};
using MimePtr = std::unique_ptr<curl_mime, MimeDeleter>;
using SlistPtr = curl::Slist;

void addHeader(SlistPtr& list, const std::string& header) {
  if (!curl::appendHeader(list, header)) {
    throw OpenAiError(OpenAiError::Kind::Connect, "out of memory building request headers");
  }
}

struct Body {
  std::string data;
  bool tooLarge = false;
};

size_t collect(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<Body*>(userdata);
  const size_t n = size * nmemb;
  if (body->data.size() + n > kMaxResponseBytes) {
    body->tooLarge = true;
    return 0;  // aborts the transfer
  }
  body->data.append(data, n);
  return n;
}

std::string printable(std::string s) {
  if (s.size() > kErrorBodyBytes) s.resize(kErrorBodyBytes);
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

// One request on a fresh handle; returns the body of a 2xx answer, throws for everything else. what names
// the call in error messages ("chat completion").
std::string perform(const OpenAiEndpoint& ep, const std::string& url, const std::string& what,
                    const std::function<void(CURL*, SlistPtr&)>& setBody) {
  if (const CURLcode rc = curl::globalInit(); rc != CURLE_OK) {
    throw OpenAiError(OpenAiError::Kind::Connect, std::string("curl_global_init: ") + curl_easy_strerror(rc));
  }
  curl::Easy curl(curl_easy_init());
  if (!curl) throw OpenAiError(OpenAiError::Kind::Connect, what + ": curl_easy_init failed");
  SlistPtr headers;
  addHeader(headers, "Accept: application/json");
  // Without this curl sends "Expect: 100-continue" for bodies over 1 KiB and waits for servers that never
  // answer it.
  addHeader(headers, "Expect:");
  if (!ep.apiKey.empty()) addHeader(headers, "Authorization: Bearer " + ep.apiKey);
  setBody(curl.get(), headers);

  const long timeout = static_cast<long>(std::max<int64_t>(ep.timeoutMs, 1));
  char errbuf[CURL_ERROR_SIZE] = {0};
  Body body;
  CURL* c = curl.get();
  curl::applyRequestPolicy(c, timeout, timeout, errbuf);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "rooms/" ROOMS_VERSION);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      throw OpenAiError(OpenAiError::Kind::Timeout,
                        what + " to " + url + " timed out after " + std::to_string(timeout) + " ms");
    }
    if (body.tooLarge) {
      throw OpenAiError(OpenAiError::Kind::MalformedJson, what + " from " + url + ": response larger than " +
                                                              std::to_string(kMaxResponseBytes) + " bytes");
    }
    throw OpenAiError(OpenAiError::Kind::Connect, what + " to " + url + " failed: " + detail);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    throw OpenAiError(OpenAiError::Kind::Http,
                      what + " to " + url + ": HTTP " + std::to_string(status) + ": " + printable(body.data));
  }
  return std::move(body.data);
}

nlohmann::json parse(const std::string& body, const std::string& what) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw OpenAiError(OpenAiError::Kind::MalformedJson,
                      what + ": response is not a JSON object: " + printable(body));
  }
  return json;
}

}  // namespace

OpenAiClient::OpenAiClient(OpenAiEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

std::string OpenAiClient::urlFor(const std::string& path) const {
  std::string base = endpoint_.baseUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.ends_with("/v1")) base += "/v1";
  return base + "/" + path;
}

std::string OpenAiClient::chat(const std::vector<ChatMessage>& messages, double temperature,
                               bool jsonObject) const {
  const std::string what = "chat completion";
  nlohmann::json request = {{"model", endpoint_.model}, {"temperature", temperature}, {"stream", false}};
  auto& list = request["messages"] = nlohmann::json::array();
  for (const auto& m : messages) list.push_back({{"role", m.role}, {"content", m.content}});
  if (jsonObject) request["response_format"] = {{"type", "json_object"}};
  // Invalid UTF-8 from a recogniser must not make dump() throw a json exception instead of an OpenAiError.
  const std::string payload = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  const std::string body =
      perform(endpoint_, urlFor("chat/completions"), what, [&](CURL* c, SlistPtr& headers) {
        addHeader(headers, "Content-Type: application/json");
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
      });
  const auto json = parse(body, what);
  const auto choices = json.find("choices");
  if (choices == json.end() || !choices->is_array() || choices->empty() || !(*choices)[0].is_object()) {
    throw OpenAiError(OpenAiError::Kind::MissingField, what + ": response has no choices[0]");
  }
  const auto& choice = (*choices)[0];
  const auto message = choice.find("message");
  if (message == choice.end() || !message->is_object() || !message->contains("content") ||
      !(*message)["content"].is_string()) {
    throw OpenAiError(OpenAiError::Kind::MissingField,
                      what + ": response has no choices[0].message.content string");
  }
  return (*message)["content"].get<std::string>();
}

std::string OpenAiClient::transcribe(const std::vector<int16_t>& pcm16kMono,
                                     const std::string& language) const {
  const std::string what = "transcription";
  const std::string wav = encodeWav(pcm16kMono, kSampleRate, 1);
  MimePtr mime;
  const std::string body = perform(endpoint_, urlFor("audio/transcriptions"), what, [&](CURL* c, SlistPtr&) {
    mime.reset(curl_mime_init(c));
    if (!mime) throw OpenAiError(OpenAiError::Kind::Connect, what + ": curl_mime_init failed");
    auto addField = [&](const char* name, const std::string& value) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, name);
      curl_mime_data(part, value.data(), value.size());
    };
    curl_mimepart* file = curl_mime_addpart(mime.get());
    curl_mime_name(file, "file");
    curl_mime_filename(file, "audio.wav");
    curl_mime_type(file, "audio/wav");
    curl_mime_data(file, wav.data(), wav.size());
    addField("model", endpoint_.model);
    addField("response_format", "json");
    if (!language.empty()) addField("language", language);
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  });
  const auto json = parse(body, what);
  const auto text = json.find("text");
  if (text == json.end() || !text->is_string()) {
    throw OpenAiError(OpenAiError::Kind::MissingField, what + ": response has no \"text\" string");
  }
  return text->get<std::string>();
}

}  // namespace rooms::ai
