#pragma once
// The two checksums STUN uses: CRC-32 for FINGERPRINT and HMAC-SHA1 for MESSAGE-INTEGRITY. Both take the
// data in pieces because the header has to be hashed with a patched length field and we do not want to
// copy the datagram to patch it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace rooms::ice {

// CRC-32 (ISO-HDLC, the one of zlib and Ethernet) over the concatenation of the pieces.
uint32_t crc32(std::initializer_list<std::span<const uint8_t>> pieces);

using Sha1Digest = std::array<uint8_t, 20>;
// HMAC-SHA1 keyed with key over the concatenation of the pieces. Returns false only if OpenSSL fails.
bool hmacSha1(std::string_view key, std::initializer_list<std::span<const uint8_t>> pieces, Sha1Digest& out);

}  // namespace rooms::ice
