// Arbitrary bytes as a participant token: verify() must return an error or claims, never crash, leak or
// trip a sanitizer, on every path from the shape check through libjwt and the claim readers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/ParticipantToken.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The seed corpus's valid-shape token is signed with this secret, so mutations reach the claim checks.
  static const rooms::ParticipantTokenVerifier verifier("fuzz-secret");
  const std::string_view token(reinterpret_cast<const char*>(data), size);
  const auto strict = verifier.verify(token, "room-1", 1751295600);
  const auto lax = verifier.verify(token, "", 0, /*checkExpiry=*/false);
  if (strict.ok() && !lax.ok()) __builtin_trap();  // the lax check may only accept more
  if (!strict.ok()) (void)rooms::tokenErrorCode(strict.error);
  return 0;
}
