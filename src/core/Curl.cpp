#include "core/Curl.h"

namespace rooms::curl {

CURLcode globalInit() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

bool appendHeader(Slist& list, const std::string& header) {
  // curl_slist_append returns the head of the grown list, or null (leaving the list untouched) on failure.
  curl_slist* head = curl_slist_append(list.get(), header.c_str());
  if (!head) return false;
  (void)list.release();
  list.reset(head);
  return true;
}

void applyRequestPolicy(CURL* c, long timeoutMs, long connectTimeoutMs, char* errbuf) {
  errbuf[0] = '\0';
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeoutMs);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMs);
}

}  // namespace rooms::curl
