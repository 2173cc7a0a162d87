#include "events/WebhookHttpClient.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "core/Curl.h"
#include "events/WebhookTargetPolicy.h"

namespace rooms {

namespace {

constexpr size_t kSnippetBytes = 512;
constexpr long kMaxConnectTimeoutMs = 10000;

size_t captureSnippet(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* snippet = static_cast<std::string*>(userdata);
  const size_t n = size * nmemb;
  if (snippet->size() < kSnippetBytes) {
    snippet->append(data, std::min(n, kSnippetBytes - snippet->size()));
  }
  // The rest is read and dropped rather than refused: aborting mid-body would close a connection that
  // could otherwise be reused, and the total timeout already bounds a body that never ends.
  return n;
}

// What the address check before each request tells post().
struct AddressCheck {
  const WebhookTargetPolicy* policy = nullptr;
  std::string refused;
};

// Runs once curl has connected (or picked a kept-alive connection) and before it sends anything: the address
// it actually reached, whatever the name resolved to this time.
int checkConnectedAddress(void* clientp, char* primaryIp, char*, int, int) {
  auto* check = static_cast<AddressCheck*>(clientp);
  if (auto refused = check->policy->checkAddress(std::string_view(primaryIp))) {
    check->refused = std::move(*refused);
    return CURL_PREREQFUNC_ABORT;
  }
  return CURL_PREREQFUNC_OK;
}

}  // namespace

void WebhookHttpClient::CurlDeleter::operator()(void* handle) const noexcept {
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

WebhookHttpClient::WebhookHttpClient(const WebhookTargetPolicy& policy) : policy_(policy) {
  if (const CURLcode rc = curl::globalInit(); rc != CURLE_OK) {
    throw std::runtime_error(std::string("curl_global_init: ") + curl_easy_strerror(rc));
  }
  curl_.reset(curl_easy_init());
  if (!curl_) {
    throw std::runtime_error("curl_easy_init failed");
  }
}

WebhookHttpClient::~WebhookHttpClient() = default;

HttpPostResult WebhookHttpClient::post(const std::string& url, const std::vector<std::string>& headers,
                                       const std::string& body, long timeoutMs) {
  HttpPostResult result;
  // A webhook registered before its URL was refused by the policy is refused now, without a request.
  if (auto refused = policy_.checkUrl(url)) {
    result.error = "refused: " + *refused;
    return result;
  }
  CURL* curl = static_cast<CURL*>(curl_.get());
  // Reset drops every option of the previous delivery but keeps the connection cache, which is why one
  // handle is reused.
  curl_easy_reset(curl);

  curl::Slist headerList;
  for (const auto& h : headers) {
    if (!curl::appendHeader(headerList, h)) {
      result.error = "out of memory building request headers";
      return result;
    }
  }
  // Without this curl sends "Expect: 100-continue" for bodies over 1 KiB and waits up to a second for
  // receivers that never answer it.
  if (!curl::appendHeader(headerList, "Expect:")) {
    result.error = "out of memory building request headers";
    return result;
  }

  const long timeout = std::max(timeoutMs, 1L);
  char errbuf[CURL_ERROR_SIZE] = {0};
  // Webhook URLs come from API callers: the policy keeps them to http(s) without redirects (no SSRF).
  curl::applyRequestPolicy(curl, timeout, std::min(timeout, kMaxConnectTimeoutMs), errbuf);
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headerList.get());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "rooms-webhook/" ROOMS_VERSION);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, captureSnippet);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.bodySnippet);
  AddressCheck check{&policy_, {}};
  curl_easy_setopt(curl, CURLOPT_PREREQFUNCTION, checkConnectedAddress);
  curl_easy_setopt(curl, CURLOPT_PREREQDATA, &check);

  const auto start = std::chrono::steady_clock::now();
  const CURLcode rc = curl_easy_perform(curl);
  result.elapsedMs = static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
          .count());

  if (rc == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  } else {
    // A response cut short (e.g. by the timeout) is reported as no response: the receiver's answer is
    // unknown.
    result.status = 0;
    if (!check.refused.empty()) {
      result.error = "refused: " + check.refused;
    } else {
      result.error = errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    }
  }
  // The list and error buffer die with this call; the handle must not keep pointers into them.
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, nullptr);
  curl_easy_setopt(curl, CURLOPT_PREREQDATA, nullptr);
  return result;
}

}  // namespace rooms
