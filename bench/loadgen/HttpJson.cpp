#include "HttpJson.h"

#include <cstring>

namespace rooms::loadgen {

namespace {

size_t appendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t readHeader(char* data, size_t size, size_t count, void* user) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() && strncasecmp(line.data(), kName.data(), kName.size()) == 0) {
    std::string value(line.substr(kName.size()));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
      value.pop_back();
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    *static_cast<std::string*>(user) = value;
  }
  return size * count;
}

}  // namespace

HttpJson::HttpJson(std::string bearer, long timeoutMs) : bearer_(std::move(bearer)), timeoutMs_(timeoutMs) {
  curl::globalInit();
  easy_.reset(curl_easy_init());
}

HttpResult HttpJson::get(const std::string& url) {
  return perform(url, nullptr);
}

HttpResult HttpJson::post(const std::string& url, const nlohmann::json& body) {
  const std::string text = body.dump();
  return perform(url, &text);
}

HttpResult HttpJson::perform(const std::string& url, const std::string* body) {
  HttpResult result;
  if (!easy_) {
    result.error = "libcurl could not make a handle";
    return result;
  }
  CURL* c = easy_.get();
  curl_easy_reset(c);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl::applyRequestPolicy(c, timeoutMs_, 3000, errbuf);
  curl::Slist headers;
  curl::appendHeader(headers, "Accept: application/json");
  if (body) curl::appendHeader(headers, "Content-Type: application/json");
  if (!bearer_.empty()) curl::appendHeader(headers, "Authorization: Bearer " + bearer_);
  std::string response;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, appendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, readHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &result.retryAfter);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body->size()));
  }
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    result.error = errbuf[0] ? errbuf : curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &result.status);
  result.text = response;
  result.body = nlohmann::json::parse(response, nullptr, false);
  if (result.body.is_discarded()) {
    result.body = nullptr;
    if (!response.empty()) result.error = "the response is not JSON: " + response.substr(0, 200);
  }
  return result;
}

}  // namespace rooms::loadgen
