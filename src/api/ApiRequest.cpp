#include "api/ApiRequest.h"

namespace rooms {

std::string_view ApiRequest::header(boost::beast::http::field f) const {
  if (!headers) return {};
  auto it = headers->find(f);
  return it == headers->end() ? std::string_view{} : std::string_view(it->value().data(), it->value().size());
}

std::string_view ApiRequest::param(std::string_view name) const {
  auto it = params.find(name);
  return it == params.end() ? std::string_view{} : std::string_view(it->second);
}

std::string_view ApiRequest::queryValue(std::string_view name) const {
  auto it = query.find(name);
  return it == query.end() ? std::string_view{} : std::string_view(it->second);
}

std::string percentDecode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out += static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2]));
      i += 2;
    } else {
      // '+' stays '+': RFC 3986 gives it no meaning in a query, and the spec's client puts the API key in
      // ?token= unencoded, so a base64 key's '+' must survive.
      out += in[i];
    }
  }
  return out;
}

void ApiRequest::setTarget(std::string_view target) {
  auto q = target.find('?');
  this->target = std::string(target);
  path = std::string(target.substr(0, q));
  query.clear();
  if (q == std::string_view::npos) return;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    std::string key = percentDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? std::string() : percentDecode(pair.substr(eq + 1));
    if (!key.empty()) query.emplace(std::move(key), std::move(value));
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
}

}  // namespace rooms
