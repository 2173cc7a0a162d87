#pragma once
// Participant JWTs as the main app mints them (spec "JWT Token Structure"): HS256 with JWT_SIGNING_SECRET,
// claims userId, roomId, sessionId, role, name, permissions, exp. Verified with libjwt; the algorithm is
// pinned to HS256 so "alg":"none" and algorithm-confusion tokens are refused.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rooms {

struct ParticipantClaims {
  std::string userId;
  std::string roomId;
  std::string sessionId;
  std::string role;  // "coach" | "client"
  std::string name;
  std::vector<std::string> permissions;  // subset of "video", "audio", "screen-share"
  int64_t exp = 0;                       // Unix seconds
  bool has(std::string_view permission) const;
};

enum class TokenError {
  Missing,         // empty token
  Malformed,       // not three base64url parts / not JSON
  BadSignature,    // signature does not verify with the secret
  WrongAlgorithm,  // anything but HS256, including "none"
  Expired,         // exp in the past (beyond leeway)
  NotYetValid,     // nbf or iat in the future (beyond leeway)
  MissingClaim,    // a required claim is absent or has the wrong type
  InvalidRole,     // role is not coach/client
  WrongRoom,       // roomId claim differs from the expected room
};

const char* tokenErrorCode(TokenError e);     // "token_expired", ...
const char* tokenErrorMessage(TokenError e);  // a sentence for people

struct TokenResult {
  std::optional<ParticipantClaims> claims;
  TokenError error = TokenError::Missing;
  bool ok() const { return claims.has_value(); }
};

// Signs claims as the main app does (HS256). roomsd itself only mints for the development demo room.
std::string mintParticipantToken(const std::string& secret, const ParticipantClaims& claims);

class ParticipantTokenVerifier {
 public:
  explicit ParticipantTokenVerifier(std::string secret, int64_t leewaySeconds = 30);

  // Full check: signature, alg, required claims, role, exp (and nbf, iat when present) against nowSeconds
  // with the leeway, and roomId when expectedRoomId is non-empty. checkExpiry=false skips only the time
  // comparisons (used when a room is created ahead of time).
  TokenResult verify(std::string_view token, std::string_view expectedRoomId, int64_t nowSeconds,
                     bool checkExpiry = true) const;

 private:
  std::string secret_;
  int64_t leeway_;
};

}  // namespace rooms
