#include "api/OwnerForwarder.h"

#include <strings.h>

#include <openssl/crypto.h>

#include "api/ApiError.h"
#include "core/Curl.h"
#include "core/Log.h"
#include "events/WebhookSigner.h"

namespace rooms {
namespace {

size_t appendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct Answer {
  long status = 0;
  std::string contentType;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Hop-by-hop and per-connection headers are this node's to write; CORS and the request id too (ApiService
// applies them to every answer).
bool relayed(std::string_view name) {
  for (const char* skip : {"connection", "keep-alive", "transfer-encoding", "content-length", "content-type",
                           "server", "date", "cache-control", "x-request-id", "vary"}) {
    if (name.size() == strlen(skip) && strncasecmp(name.data(), skip, name.size()) == 0) {
      return false;
    }
  }
  return !(name.size() >= 15 && strncasecmp(name.data(), "access-control-", 15) == 0);
}

size_t collectHeader(char* data, size_t size, size_t n, void* out) {
  auto* answer = static_cast<Answer*>(out);
  std::string_view line(data, size * n);
  // A new status line (after a 100 Continue) starts the headers over.
  if (line.rfind("HTTP/", 0) == 0) {
    answer->headers.clear();
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) {
    return size * n;
  }
  std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  if (name.size() == 12 && strncasecmp(name.data(), "content-type", 12) == 0) {
    answer->contentType = std::string(value);
  } else if (relayed(name)) {
    answer->headers.emplace_back(std::string(name), std::string(value));
  }
  return size * n;
}

}  // namespace

OwnerForwarder::OwnerForwarder(std::string nodeId, std::string secret, long timeoutMs, size_t threads)
    : nodeId_(std::move(nodeId)), secret_(std::move(secret)), timeoutMs_(timeoutMs) {
  curl::globalInit();
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) {
    handles_.emplace_back(curl_easy_init());
    threads_.push_back(std::make_unique<WorkerThread>("forward-" + std::to_string(i)));
  }
}

std::string OwnerForwarder::sign(const std::string& secret, const std::string& nodeId,
                                 const std::string& requestId) {
  return nodeId + " " + hmacSha256Hex(secret, "rooms-forward\n" + nodeId + "\n" + requestId);
}

bool OwnerForwarder::verify(const std::string& secret, std::string_view header,
                            const std::string& requestId) {
  auto space = header.find(' ');
  if (space == std::string_view::npos || header.empty()) {
    return false;
  }
  const std::string expected = sign(secret, std::string(header.substr(0, space)), requestId);
  return expected.size() == header.size() &&
         CRYPTO_memcmp(expected.data(), header.data(), header.size()) == 0;
}

OwnerForwarder::Outgoing OwnerForwarder::prepare(const std::string& peerUrl, const ApiRequest& req,
                                                 const std::string& target) const {
  namespace http = boost::beast::http;
  Outgoing out;
  out.method = std::string(http::to_string(req.method));
  out.url = peerUrl + target;
  for (auto field : {http::field::authorization, http::field::content_type, http::field::origin,
                     http::field::accept, http::field::range}) {
    auto v = req.header(field);
    if (!v.empty()) {
      out.headers.push_back(std::string(http::to_string(field)) + ": " + std::string(v));
    }
  }
  out.headers.push_back("X-Request-Id: " + req.requestId);
  out.headers.push_back("X-Forwarded-For: " + req.clientIp);
  out.headers.push_back("X-Rooms-Forwarded-By: " + sign(secret_, nodeId_, req.requestId));
  // Without this, libcurl waits a second for 100 Continue before sending a body over 1 KiB.
  out.headers.emplace_back("Expect:");
  out.body = req.body;
  return out;
}

void OwnerForwarder::send(Outgoing out, std::function<void(ApiResponse)> done) {
  const size_t i = next_++ % threads_.size();
  CURL* handle = handles_[i].get();
  threads_[i]->post([handle, out = std::move(out), done = std::move(done), timeoutMs = timeoutMs_] {
    Answer answer;
    char errbuf[CURL_ERROR_SIZE] = {};
    if (handle != nullptr) {
      curl_easy_reset(handle);  // the options go; the connection cache stays
    }
    curl::Slist headers;
    bool ok = handle != nullptr;
    for (const auto& h : out.headers) {
      ok = ok && curl::appendHeader(headers, h);
    }
    CURLcode rc = CURLE_OUT_OF_MEMORY;
    if (ok) {
      curl::applyRequestPolicy(handle, timeoutMs, std::min<long>(timeoutMs, 2000), errbuf);
      curl_easy_setopt(handle, CURLOPT_URL, out.url.c_str());
      curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, out.method.c_str());
      if (!out.body.empty() || out.method == "POST" || out.method == "PATCH" || out.method == "PUT") {
        curl_easy_setopt(handle, CURLOPT_POSTFIELDS, out.body.data());
        curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(out.body.size()));
      } else if (out.method == "HEAD") {
        curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
      }
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
      curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, appendBody);
      curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer.body);
      curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, collectHeader);
      curl_easy_setopt(handle, CURLOPT_HEADERDATA, &answer);
      rc = curl_easy_perform(handle);
      if (rc == CURLE_OK) {
        curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &answer.status);
      }
      // The handle outlives this call: it must not keep pointers to its buffers and header list.
      curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, nullptr);
      curl_easy_setopt(handle, CURLOPT_HTTPHEADER, nullptr);
      curl_easy_setopt(handle, CURLOPT_WRITEDATA, nullptr);
      curl_easy_setopt(handle, CURLOPT_HEADERDATA, nullptr);
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, nullptr);
    }
    ApiResponse res;
    if (rc != CURLE_OK || answer.status < 100) {
      const std::string why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      log::warn("cluster_forward_failed", {{"url", out.url}, {"error", why}});
      res = errorResponse(502, "owner_unreachable",
                          "the node holding this room did not answer (" + why + "); retry in a few seconds");
      res.headers.emplace_back("Retry-After", "2");
    } else {
      res.status = static_cast<unsigned>(answer.status);
      res.contentType = answer.contentType;
      res.headers = std::move(answer.headers);
      res.body = std::move(answer.body);
    }
    done(std::move(res));
  });
}

}  // namespace rooms
