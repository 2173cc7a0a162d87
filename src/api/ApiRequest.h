#pragma once
// A request as the route handlers see it, independent of the transport (plain or TLS).
#include <boost/beast/http.hpp>
#include <map>
#include <string>
#include <string_view>

namespace rooms {

struct ApiRequest {
  boost::beast::http::verb method = boost::beast::http::verb::unknown;
  std::string target;  // as received: path and query string
  std::string path;    // without the query string, percent-decoding not applied (ids are a safe charset)
  std::map<std::string, std::string, std::less<>> query;
  std::map<std::string, std::string, std::less<>> params;  // from the route pattern
  const boost::beast::http::fields* headers = nullptr;
  std::string body;
  std::string clientIp;
  std::string requestId;
  std::string apiKeyLabel;  // set once authenticated
  bool fromPeer = false;    // forwarded by another node of the cluster (verified: OwnerForwarder)

  std::string_view header(boost::beast::http::field f) const;
  std::string_view param(std::string_view name) const;
  std::string_view queryValue(std::string_view name) const;

  // Splits "/a/b?x=1&y=2" into path and decoded query.
  void setTarget(std::string_view target);
};

std::string percentDecode(std::string_view in);

struct ApiResponse {
  unsigned status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace rooms
