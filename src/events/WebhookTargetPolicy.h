#pragma once
// Where webhooks may go. A webhook URL comes from an API caller and the delivery log shows what its target
// answered, so an unchecked URL is a probe into roomsd's network (SSRF): the cloud metadata service at
// 169.254.169.254 answers any process on the machine. The URL is checked when the webhook is registered, and
// the address curl actually connected to is checked again before every request, because a name may resolve
// elsewhere at delivery time than at registration (DNS rebinding) and names are not resolved at all when
// registering.
//
// Always refused: link-local networks (169.254.0.0/16, fe80::/10, where metadata services live), the known
// metadata addresses outside them (fd00:ec2::254, 100.100.100.200), unspecified, multicast and broadcast
// addresses. Then ROOMS_WEBHOOK_DENIED_NETWORKS refuses, and ROOMS_WEBHOOK_ALLOWED_NETWORKS, when set, is the
// only place deliveries may go. Loopback and private networks are allowed by default: the spec's main app
// receives its webhooks on localhost.
#include <optional>
#include <string>
#include <string_view>

#include "core/NetworkSet.h"

namespace rooms {

class WebhookTargetPolicy {
 public:
  WebhookTargetPolicy() = default;
  WebhookTargetPolicy(NetworkSet allowed, NetworkSet denied)
      : allowed_(std::move(allowed)), denied_(std::move(denied)) {}

  static constexpr size_t kMaxUrlLength = 2048;

  // Why the URL is refused, or nullopt: http or https, a host, no credentials, no control characters, spaces
  // or non-ASCII bytes, a valid port, and an address literal that checkAddress allows.
  std::optional<std::string> checkUrl(std::string_view url) const;
  // Why deliveries may not go to this address, or nullopt.
  std::optional<std::string> checkAddress(const boost::asio::ip::address& address) const;
  std::optional<std::string> checkAddress(std::string_view address) const;

 private:
  NetworkSet allowed_;
  NetworkSet denied_;
};

}  // namespace rooms
