#pragma once
// One blocking HTTP POST with libcurl, for the webhook delivery thread (never the control-plane thread).
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace rooms {

struct HttpPostResult {
  long status = 0;          // HTTP status, 0 when no response arrived
  std::string error;        // curl's error text when the request failed below HTTP
  std::string bodySnippet;  // first 512 bytes of the response body, for the delivery log
  long elapsedMs = 0;
};

class WebhookTargetPolicy;

class WebhookHttpClient {
 public:
  // policy: checked on the URL and on the address connected to before each request is sent; it must outlive
  // the client.
  explicit WebhookHttpClient(const WebhookTargetPolicy& policy);
  ~WebhookHttpClient();
  WebhookHttpClient(const WebhookHttpClient&) = delete;
  WebhookHttpClient& operator=(const WebhookHttpClient&) = delete;

  // POSTs body with the given headers ("Name: value"), following no redirects, with a total timeout.
  HttpPostResult post(const std::string& url, const std::vector<std::string>& headers,
                      const std::string& body, long timeoutMs);

 private:
  // Calls curl_easy_cleanup; declared here and defined in the .cpp to keep <curl/curl.h> out of this header.
  struct CurlDeleter {
    void operator()(void* handle) const noexcept;
  };
  const WebhookTargetPolicy& policy_;
  std::unique_ptr<void, CurlDeleter> curl_;  // CURL*, reused so connections are kept alive between deliveries
};

}  // namespace rooms
