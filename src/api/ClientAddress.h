#pragma once
// The address a request comes from, for rate limits and logs. Behind a reverse proxy every request arrives
// from the proxy, and all clients would share one rate-limit bucket; the proxy names the client in
// X-Forwarded-For. That header is believed only from a peer in ROOMS_TRUSTED_PROXIES, and only as far as the
// chain of trusted proxies goes: the client is the rightmost address not itself a trusted proxy (anything to
// its left was written by the client and may be forged).
#include <string>
#include <string_view>

#include "core/NetworkSet.h"

namespace rooms {

// peer: the TCP peer's address; forwardedFor: every X-Forwarded-For value of the request joined with commas
// (empty when absent). Returns the peer when it is not trusted, or when the header is absent or malformed.
std::string clientAddress(const std::string& peer, std::string_view forwardedFor, const NetworkSet& trusted);

}  // namespace rooms
