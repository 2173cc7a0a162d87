#pragma once
// Blocking JSON-over-HTTP calls for the load generator's control plane (roomsd's REST API, Janus's HTTP
// transport), over libcurl. One handle per instance, reused so that connections are kept alive. Not
// thread-safe: one per thread.
#include <nlohmann/json.hpp>
#include <string>

#include "core/Curl.h"

namespace rooms::loadgen {

struct HttpResult {
  long status = 0;      // 0: no response (the error says why)
  nlohmann::json body;  // null when the response is not JSON (text holds it)
  std::string text;
  std::string error;
  std::string retryAfter;  // the Retry-After header, if any
  bool ok() const { return status >= 200 && status < 300; }
};

class HttpJson {
 public:
  explicit HttpJson(std::string bearer = {}, long timeoutMs = 10000);
  HttpResult get(const std::string& url);
  HttpResult post(const std::string& url, const nlohmann::json& body);

 private:
  HttpResult perform(const std::string& url, const std::string* body);
  std::string bearer_;
  long timeoutMs_;
  curl::Easy easy_;
};

}  // namespace rooms::loadgen
