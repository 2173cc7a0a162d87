#include "api/ParticipantToken.h"

#include <jwt.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

namespace rooms {

namespace {

// Far above any token the main app mints; keeps hostile input from costing decode and JSON work.
constexpr size_t kMaxTokenBytes = 8192;

struct JwtDeleter {
  void operator()(jwt_t* j) const noexcept { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct MallocDeleter {
  // libjwt's JSON strings come from malloc; this deleter is the RAII owner the checks ask for.
  void operator()(char* p) const noexcept {
    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory)
    std::free(p);
  }
};
using CStringPtr = std::unique_ptr<char, MallocDeleter>;

TokenResult failure(TokenError e) {
  TokenResult r;
  r.error = e;
  return r;
}

bool isBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::optional<std::string> base64UrlDecode(std::string_view in) {
  // A single leftover character carries only 6 bits, less than one byte: no encoder produces it.
  if (in.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string b64(in);
  for (char& c : b64) {
    if (c == '-') {
      c = '+';
    }
    if (c == '_') {
      c = '/';
    }
  }
  const size_t pad = (4 - b64.size() % 4) % 4;
  b64.append(pad, '=');
  std::string out(b64.size() / 4 * 3, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  // EVP_DecodeBlock counts the zero bytes the '=' padding stands for; they are not part of the data.
  if (n < 0 || static_cast<size_t>(n) < pad) {
    return std::nullopt;
  }
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::optional<nlohmann::json> decodeJsonObject(std::string_view part) {
  auto raw = base64UrlDecode(part);
  if (!raw) {
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return std::nullopt;
  }
  return json;
}

// The claim's JSON value as libjwt parsed it, or nullopt when absent. jwt_get_grant and jwt_get_grant_int
// answer NULL / 0 both for "absent" and for "another type", which is not enough to tell MissingClaim from
// a default.
std::optional<nlohmann::json> grantJson(jwt_t* jwt, const char* name) {
  CStringPtr text(jwt_get_grants_json(jwt, name));
  if (!text) {
    return std::nullopt;
  }
  auto json = nlohmann::json::parse(text.get(), nullptr, false);
  if (json.is_discarded() || json.is_null()) {
    return std::nullopt;
  }
  return json;
}

enum class Claim { Ok, Absent, WrongType };

// Required ids must be non-empty strings: an empty userId or roomId identifies nobody.
Claim requiredString(jwt_t* jwt, const char* name, std::string& out) {
  const char* v = jwt_get_grant(jwt, name);
  if (v == nullptr || *v == '\0') {
    return Claim::Absent;
  }
  out = v;
  return Claim::Ok;
}

Claim optionalString(jwt_t* jwt, const char* name, std::string& out) {
  if (const char* v = jwt_get_grant(jwt, name)) {
    out = v;
    return Claim::Ok;
  }
  // Absent or JSON null means "not given"; any other type is a token the main app would not mint.
  return grantJson(jwt, name) ? Claim::WrongType : Claim::Ok;
}

Claim readNumericDate(jwt_t* jwt, const char* name, int64_t& out) {
  const auto json = grantJson(jwt, name);
  if (!json) {
    return Claim::Absent;
  }
  if (json->is_number_integer()) {
    // jwt_get_grant_int returns 0 with errno untouched for non-integers, so the type is checked above.
    out = jwt_get_grant_int(jwt, name);
    return Claim::Ok;
  }
  if (json->is_number_float()) {
    // RFC 7519 NumericDate may carry a fraction; the whole second before it is the conservative reading.
    const double d = std::floor(json->get<double>());
    if (!std::isfinite(d)) {
      return Claim::WrongType;
    }
    constexpr double kLimit = 9.2e18;  // just inside int64
    out = static_cast<int64_t>(std::clamp(d, -kLimit, kLimit));
    return Claim::Ok;
  }
  return Claim::WrongType;
}

Claim readPermissions(jwt_t* jwt, std::vector<std::string>& out) {
  const auto json = grantJson(jwt, "permissions");
  if (!json) {
    return Claim::Ok;
  }
  if (!json->is_array()) {
    return Claim::WrongType;
  }
  for (const auto& p : *json) {
    if (!p.is_string()) {
      return Claim::WrongType;
    }
    out.push_back(p.get<std::string>());
  }
  return Claim::Ok;
}

}  // namespace

bool ParticipantClaims::has(std::string_view permission) const {
  return std::find(permissions.begin(), permissions.end(), permission) != permissions.end();
}

const char* tokenErrorCode(TokenError e) {
  switch (e) {
    case TokenError::Missing:
      return "token_missing";
    case TokenError::Malformed:
      return "token_malformed";
    case TokenError::BadSignature:
      return "token_bad_signature";
    case TokenError::WrongAlgorithm:
      return "token_wrong_algorithm";
    case TokenError::Expired:
      return "token_expired";
    case TokenError::NotYetValid:
      return "token_not_yet_valid";
    case TokenError::MissingClaim:
      return "token_missing_claim";
    case TokenError::InvalidRole:
      return "token_invalid_role";
    case TokenError::WrongRoom:
      return "token_wrong_room";
  }
  return "token_invalid";
}

const char* tokenErrorMessage(TokenError e) {
  switch (e) {
    case TokenError::Missing:
      return "No participant token was provided.";
    case TokenError::Malformed:
      return "The participant token is not a well-formed JWT.";
    case TokenError::BadSignature:
      return "The participant token's signature is not valid.";
    case TokenError::WrongAlgorithm:
      return "The participant token must be signed with HS256.";
    case TokenError::Expired:
      return "The participant token has expired.";
    case TokenError::NotYetValid:
      return "The participant token is not valid yet (its nbf or iat is in the future).";
    case TokenError::MissingClaim:
      return "The participant token lacks a required claim or a claim has the wrong type.";
    case TokenError::InvalidRole:
      return "The participant token's role must be \"coach\" or \"client\".";
    case TokenError::WrongRoom:
      return "The participant token was issued for a different room.";
  }
  return "The participant token is not valid.";
}

ParticipantTokenVerifier::ParticipantTokenVerifier(std::string secret, int64_t leewaySeconds)
    : secret_(std::move(secret)), leeway_(std::max<int64_t>(leewaySeconds, 0)) {}

TokenResult ParticipantTokenVerifier::verify(std::string_view token, std::string_view expectedRoomId,
                                             int64_t nowSeconds, bool checkExpiry) const {
  if (token.empty()) {
    return failure(TokenError::Missing);
  }
  if (token.size() > kMaxTokenBytes) {
    return failure(TokenError::Malformed);
  }

  // Shape first, by hand: libjwt is then only ever handed three base64url parts.
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return failure(TokenError::Malformed);
  }
  for (char c : token) {
    if (c != '.' && !isBase64UrlChar(c)) {
      return failure(TokenError::Malformed);
    }
  }
  const std::string_view headerPart = token.substr(0, dot1);
  const std::string_view payloadPart = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signaturePart = token.substr(dot2 + 1);

  const auto header = decodeJsonObject(headerPart);
  if (!header) {
    return failure(TokenError::Malformed);
  }
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string()) {
    return failure(TokenError::Malformed);
  }
  // Pinned before libjwt sees the token: libjwt picks the algorithm from the header, so "none" or HS512
  // would otherwise be verified on the attacker's terms.
  if (alg->get<std::string>() != "HS256") {
    return failure(TokenError::WrongAlgorithm);
  }
  if (!decodeJsonObject(payloadPart)) {
    return failure(TokenError::Malformed);
  }

  // Both halves are JSON and the header says HS256, so from here on any failure is the signature's.
  // An empty secret is a misconfiguration under which anyone could mint tokens: refuse them all.
  if (signaturePart.empty() || secret_.empty()) {
    return failure(TokenError::BadSignature);
  }
  const std::string tokenZ(token);  // jwt_decode wants a NUL-terminated string
  jwt_t* raw = nullptr;
  const int rc = jwt_decode(&raw, tokenZ.c_str(), reinterpret_cast<const unsigned char*>(secret_.data()),
                            static_cast<int>(secret_.size()));
  JwtPtr jwt(raw);
  if (rc != 0 || !jwt) {
    return failure(TokenError::BadSignature);
  }
  // Checked again on libjwt's own parse of the header, in case its JSON reading ever differs from ours.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) {
    return failure(TokenError::WrongAlgorithm);
  }

  ParticipantClaims claims;
  if (requiredString(jwt.get(), "userId", claims.userId) != Claim::Ok ||
      requiredString(jwt.get(), "roomId", claims.roomId) != Claim::Ok ||
      requiredString(jwt.get(), "role", claims.role) != Claim::Ok ||
      readNumericDate(jwt.get(), "exp", claims.exp) != Claim::Ok ||
      optionalString(jwt.get(), "sessionId", claims.sessionId) != Claim::Ok ||
      optionalString(jwt.get(), "name", claims.name) != Claim::Ok ||
      readPermissions(jwt.get(), claims.permissions) != Claim::Ok) {
    return failure(TokenError::MissingClaim);
  }
  // nbf and iat are optional (the spec's tokens carry neither), but a token that has them is held to them.
  int64_t notBefore = 0;
  int64_t issuedAt = 0;
  const Claim nbf = readNumericDate(jwt.get(), "nbf", notBefore);
  const Claim iat = readNumericDate(jwt.get(), "iat", issuedAt);
  if (nbf == Claim::WrongType || iat == Claim::WrongType) {
    return failure(TokenError::MissingClaim);
  }
  if (claims.role != "coach" && claims.role != "client") {
    return failure(TokenError::InvalidRole);
  }
  if (checkExpiry) {
    // RFC 7519 4.1.5: not accepted before nbf; an iat in the future is a token from a clock we cannot trust.
    // Both with the leeway exp gets, for the same clock skew.
    const auto future = [&](int64_t at) { return at > nowSeconds && at - nowSeconds > leeway_; };
    if ((nbf == Claim::Ok && future(notBefore)) || (iat == Claim::Ok && future(issuedAt))) {
      return failure(TokenError::NotYetValid);
    }
    int64_t deadline = 0;
    if (__builtin_add_overflow(claims.exp, leeway_, &deadline)) {
      deadline = std::numeric_limits<int64_t>::max();
    }
    // RFC 7519: the token is valid only while the current time is before exp.
    if (nowSeconds >= deadline) {
      return failure(TokenError::Expired);
    }
  }
  if (!expectedRoomId.empty() && claims.roomId != expectedRoomId) {
    return failure(TokenError::WrongRoom);
  }

  TokenResult ok;
  ok.claims = std::move(claims);
  return ok;
}

std::string mintParticipantToken(const std::string& secret, const ParticipantClaims& claims) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) throw std::runtime_error("jwt_new failed");
  std::unique_ptr<jwt_t, decltype(&jwt_free)> token(raw, jwt_free);
  const nlohmann::json grants = {
      {"userId", claims.userId}, {"roomId", claims.roomId}, {"sessionId", claims.sessionId},
      {"role", claims.role},     {"name", claims.name},     {"permissions", claims.permissions},
      {"exp", claims.exp}};
  if (jwt_add_grants_json(token.get(), grants.dump().c_str()) != 0 ||
      jwt_set_alg(token.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
                  static_cast<int>(secret.size())) != 0) {
    throw std::runtime_error("signing a participant token failed");
  }
  std::unique_ptr<char, decltype(&free)> encoded(jwt_encode_str(token.get()), free);
  if (!encoded) throw std::runtime_error("encoding a participant token failed");
  return encoded.get();
}

}  // namespace rooms
