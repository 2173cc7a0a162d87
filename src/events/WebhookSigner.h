#pragma once
// The signature the spec's verifyWebhookSignature checks: hex(HMAC-SHA256(secret, body)), lowercase.
#include <string>
#include <string_view>

namespace rooms {

std::string hmacSha256Hex(std::string_view secret, std::string_view body);

}  // namespace rooms
