#include "events/WebhookTargetPolicy.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>

namespace rooms {
namespace ip = boost::asio::ip;

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct PartDeleter {
  void operator()(char* p) const noexcept { curl_free(p); }
};
using Part = std::unique_ptr<char, PartDeleter>;

Part urlPart(CURLU* url, CURLUPart what) {
  char* out = nullptr;
  if (curl_url_get(url, what, &out, 0) != CURLUE_OK) return Part(nullptr);
  return Part(out);
}

const NetworkSet& alwaysRefused() {
  static const NetworkSet set = NetworkSet::parse(
      "169.254.0.0/16 fe80::/10 fd00:ec2::254 100.100.100.200 "  // link-local and metadata services
      "0.0.0.0/8 ::/128 224.0.0.0/4 ff00::/8 255.255.255.255");  // nowhere, everyone
  return set;
}

}  // namespace

std::optional<std::string> WebhookTargetPolicy::checkUrl(std::string_view url) const {
  if (url.empty() || url.size() > kMaxUrlLength) {
    return "url must be 1 to " + std::to_string(kMaxUrlLength) + " characters";
  }
  for (const char c : url) {
    const auto b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) return "url has a space, a control character or a non-ASCII byte";
  }
  // curl reads "http:///etc/passwd" as host "etc", and parsers disagree on backslashes: the authority must
  // follow "//" at once, and a URL with a backslash is refused.
  // And curl is lenient about slashes ("http:/host"): the text must begin with the scheme and "://".
  const auto authority = url.find("://");
  if (authority == std::string_view::npos) return "url must be an http:// or https:// URL";
  std::string schemeText(url.substr(0, authority));
  for (char& c : schemeText) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (schemeText != "http" && schemeText != "https") return "url must be an http:// or https:// URL";
  if (authority + 3 >= url.size() || url[authority + 3] == '/') return "url has no host";
  if (url.find('\\') != std::string_view::npos) return "url must not contain a backslash";
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) return "out of memory";
  const std::string text(url);
  if (const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return std::string("url is not a valid URL: ") + curl_url_strerror(rc);
  }
  const Part scheme = urlPart(parsed.get(), CURLUPART_SCHEME);
  if (!scheme || (std::string_view(scheme.get()) != "http" && std::string_view(scheme.get()) != "https")) {
    return "url must be an http:// or https:// URL";
  }
  const Part host = urlPart(parsed.get(), CURLUPART_HOST);
  if (!host || *host.get() == '\0') return "url has no host";
  if (urlPart(parsed.get(), CURLUPART_USER) || urlPart(parsed.get(), CURLUPART_PASSWORD)) {
    return "url must not carry credentials (they would be stored and shown); sign with the webhook secret";
  }
  std::string_view name(host.get());
  // An IPv6 literal comes back in brackets; a zone id ("%eth0") names an interface, not a destination.
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
    name = name.substr(1, name.size() - 2);
    if (name.find('%') != std::string_view::npos) return "url must not carry an IPv6 zone id";
  }
  boost::system::error_code ec;
  const ip::address literal = ip::make_address(std::string(name), ec);
  if (!ec) return checkAddress(literal);
  // A name: its addresses are checked when curl has connected to one (WebhookHttpClient).
  return std::nullopt;
}

std::optional<std::string> WebhookTargetPolicy::checkAddress(const ip::address& address) const {
  const ip::address a = unmapped(address);
  if (alwaysRefused().contains(a)) {
    return "webhooks may not go to " + a.to_string() +
           " (link-local, cloud metadata, unspecified, multicast and broadcast addresses are always refused)";
  }
  if (denied_.contains(a))
    return "webhooks may not go to " + a.to_string() + " (ROOMS_WEBHOOK_DENIED_NETWORKS)";
  if (!allowed_.empty() && !allowed_.contains(a)) {
    return "webhooks may not go to " + a.to_string() + " (not in ROOMS_WEBHOOK_ALLOWED_NETWORKS)";
  }
  return std::nullopt;
}

std::optional<std::string> WebhookTargetPolicy::checkAddress(std::string_view address) const {
  boost::system::error_code ec;
  const ip::address a = ip::make_address(std::string(address), ec);
  if (ec) return "webhook target address \"" + std::string(address) + "\" is not an IP address";
  return checkAddress(a);
}

}  // namespace rooms
