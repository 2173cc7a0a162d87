#pragma once
// The libcurl pieces every outgoing HTTP client of roomsd shares (webhooks, the OpenAI-compatible engines):
// one-time global init, RAII for handles and header lists, and the request policy they all follow.
#include <curl/curl.h>

#include <memory>
#include <string>

namespace rooms::curl {

// curl_global_init is not safe to race with itself or with curl_easy_init on every libcurl build; this runs
// it exactly once (a function-local static) and returns its result every time.
CURLcode globalInit();

struct EasyDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

// Appends to list; false (list untouched) when curl is out of memory.
bool appendHeader(Slist& list, const std::string& header);

// http(s) only and no redirects (a URL from an API caller must not reach file:// or, through a redirect, an
// internal address), no signals (timeouts otherwise use SIGALRM for DNS, unsafe with threads), the total
// and connect timeouts, and errbuf (CURL_ERROR_SIZE bytes) for the error text.
void applyRequestPolicy(CURL* c, long timeoutMs, long connectTimeoutMs, char* errbuf);

}  // namespace rooms::curl
