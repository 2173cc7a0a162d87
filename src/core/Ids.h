#pragma once
// Identifier rules shared by the API and the store, and the random ids every layer makes.
#include <cstdint>
#include <string>
#include <string_view>

namespace rooms {

// Canonical 8-4-12 hex UUID (any version, either case).
bool isUuid(std::string_view s);

// Ids that travel in URLs and logs: 1..128 chars of [A-Za-z0-9._:@-]. Room ids in paths must pass this
// before they reach any lookup.
bool isSafeId(std::string_view s);

// A random identifier with the given prefix, e.g. randomId("whk") -> "whk_3f9a...", 128 bits from OpenSSL's
// RNG.
std::string randomId(std::string_view prefix);

// n random bytes from OpenSSL's RNG, hex encoded (2n chars).
std::string randomHex(size_t bytes);

// A random RTP SSRC (RFC 3550 8.1), never 0 or 0xFFFFFFFF, which some stacks treat as unset.
uint32_t randomSsrc();

}  // namespace rooms
