#include "api/ParticipantToken.h"

#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace rooms {
namespace {

using nlohmann::json;

constexpr char kSecret[] = "test-signing-secret-0123456789abcdef";
constexpr int64_t kNow = 1751295600;  // 2025-06-30T15:00:00Z

std::string b64url(std::string_view raw) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= raw.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(raw[i]) << 16) | (static_cast<uint8_t>(raw[i + 1]) << 8) |
                       static_cast<uint8_t>(raw[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (raw.size() - i == 1) {
    const uint32_t v = static_cast<uint8_t>(raw[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
  } else if (raw.size() - i == 2) {
    const uint32_t v = (static_cast<uint8_t>(raw[i]) << 16) | (static_cast<uint8_t>(raw[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string hmacB64(std::string_view key, std::string_view data, const EVP_MD* md = EVP_sha256()) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  return b64url(std::string_view(reinterpret_cast<const char*>(out), len));
}

// Hand-built token: exact control over the header bytes, independent of libjwt.
std::string craft(const std::string& header, const std::string& payload, const std::string& signature) {
  return b64url(header) + "." + b64url(payload) + "." + signature;
}

std::string craftHs256(const std::string& header, const std::string& payload,
                       std::string_view key = kSecret) {
  const std::string signingInput = b64url(header) + "." + b64url(payload);
  return signingInput + "." + hmacB64(key, signingInput);
}

json goodClaims() {
  return {{"userId", "user-1"}, {"roomId", "room-42"}, {"sessionId", "sess-9"},
          {"role", "coach"},    {"name", "Ada"},       {"permissions", {"video", "audio"}},
          {"exp", kNow + 3600}};
}

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// Minted with libjwt, the way a C service would.
std::string mint(const json& claims, jwt_alg_t alg = JWT_ALG_HS256, std::string_view key = kSecret) {
  jwt_t* raw = nullptr;
  EXPECT_EQ(jwt_new(&raw), 0);
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  EXPECT_EQ(jwt_add_grants_json(jwt.get(), claims.dump().c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  std::unique_ptr<char, FreeDeleter> token(jwt_encode_str(jwt.get()));
  EXPECT_NE(token, nullptr);
  return token ? std::string(token.get()) : std::string();
}

std::string mintWithGrants(const json& claims) {
  jwt_t* raw = nullptr;
  jwt_new(&raw);
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  jwt_add_grant(jwt.get(), "userId", claims["userId"].get<std::string>().c_str());
  jwt_add_grant(jwt.get(), "roomId", claims["roomId"].get<std::string>().c_str());
  jwt_add_grant(jwt.get(), "role", claims["role"].get<std::string>().c_str());
  jwt_add_grant_int(jwt.get(), "exp", claims["exp"].get<long>());
  jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(kSecret),
              static_cast<int>(sizeof kSecret - 1));
  std::unique_ptr<char, FreeDeleter> token(jwt_encode_str(jwt.get()));
  return token ? std::string(token.get()) : std::string();
}

class ParticipantTokenTest : public ::testing::Test {
 protected:
  TokenError errorOf(const std::string& token, std::string_view room = "room-42") const {
    const auto r = verifier_.verify(token, room, kNow);
    EXPECT_FALSE(r.ok()) << token;
    return r.error;
  }
  ParticipantTokenVerifier verifier_{kSecret};
};

TEST_F(ParticipantTokenTest, AcceptsValidTokenWithAllClaims) {
  const auto r = verifier_.verify(mint(goodClaims()), "room-42", kNow);
  ASSERT_TRUE(r.ok()) << tokenErrorCode(r.error);
  const auto& c = *r.claims;
  EXPECT_EQ(c.userId, "user-1");
  EXPECT_EQ(c.roomId, "room-42");
  EXPECT_EQ(c.sessionId, "sess-9");
  EXPECT_EQ(c.role, "coach");
  EXPECT_EQ(c.name, "Ada");
  EXPECT_EQ(c.exp, kNow + 3600);
  EXPECT_EQ(c.permissions, (std::vector<std::string>{"video", "audio"}));
  EXPECT_TRUE(c.has("video"));
  EXPECT_TRUE(c.has("audio"));
  EXPECT_FALSE(c.has("screen-share"));
  EXPECT_FALSE(c.has(""));
}

TEST_F(ParticipantTokenTest, AcceptsMinimalTokenWithDefaults) {
  const auto token = mintWithGrants(goodClaims());
  const auto r = verifier_.verify(token, "room-42", kNow);
  ASSERT_TRUE(r.ok()) << tokenErrorCode(r.error);
  EXPECT_EQ(r.claims->sessionId, "");
  EXPECT_EQ(r.claims->name, "");
  EXPECT_TRUE(r.claims->permissions.empty());
}

TEST_F(ParticipantTokenTest, AcceptsHandCraftedHs256AndClientRole) {
  json claims = goodClaims();
  claims["role"] = "client";
  claims["name"] = nullptr;  // null reads as "not given"
  const auto r =
      verifier_.verify(craftHs256(R"({"alg":"HS256","typ":"JWT"})", claims.dump()), "room-42", kNow);
  ASSERT_TRUE(r.ok()) << tokenErrorCode(r.error);
  EXPECT_EQ(r.claims->role, "client");
  EXPECT_EQ(r.claims->name, "");
}

TEST_F(ParticipantTokenTest, EmptyExpectedRoomSkipsRoomCheck) {
  EXPECT_TRUE(verifier_.verify(mint(goodClaims()), "", kNow).ok());
}

TEST_F(ParticipantTokenTest, EmptyTokenIsMissing) {
  EXPECT_EQ(errorOf(""), TokenError::Missing);
}

TEST_F(ParticipantTokenTest, GarbageIsMalformed) {
  const std::string valid = mint(goodClaims());
  const auto p1 = valid.find('.');
  const auto p2 = valid.rfind('.');
  for (const std::string& t :
       {std::string("not-a-token"), std::string("a.b"), std::string("a.b.c.d"), std::string(".."),
        std::string("..sig"), valid + ".", "." + valid, valid.substr(0, p1) + "." + valid.substr(p2),
        valid + "=", "Bearer " + valid, valid.substr(0, p1) + "!" + valid.substr(p1),
        std::string("e30.e30.e30 "), std::string("\xff\xfe.e30.sig")}) {
    EXPECT_EQ(errorOf(t), TokenError::Malformed) << t;
  }
}

TEST_F(ParticipantTokenTest, NonJsonPartsAreMalformed) {
  const std::string payload = goodClaims().dump();
  EXPECT_EQ(errorOf(b64url("not json") + "." + b64url(payload) + ".sig"), TokenError::Malformed);
  EXPECT_EQ(errorOf(craftHs256(R"({"alg":"HS256"})", "not json")), TokenError::Malformed);
  EXPECT_EQ(errorOf(craftHs256(R"(["alg","HS256"])", payload)), TokenError::Malformed);
  EXPECT_EQ(errorOf(craftHs256(R"({"alg":"HS256"})", "[1,2]")), TokenError::Malformed);
  EXPECT_EQ(errorOf(craftHs256(R"({"typ":"JWT"})", payload)), TokenError::Malformed);
  EXPECT_EQ(errorOf(craftHs256(R"({"alg":256})", payload)), TokenError::Malformed);
  // Five base64 characters cannot come from any byte string.
  EXPECT_EQ(errorOf("abcde." + b64url(payload) + ".sig"), TokenError::Malformed);
}

TEST_F(ParticipantTokenTest, OversizedTokenIsMalformed) {
  json claims = goodClaims();
  claims["name"] = std::string(9000, 'x');
  EXPECT_EQ(errorOf(mint(claims)), TokenError::Malformed);
}

TEST_F(ParticipantTokenTest, AlgNoneIsWrongAlgorithm) {
  const std::string payload = goodClaims().dump();
  for (const char* header : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})", R"({"alg":"NONE"})",
                             R"({"alg":"nOnE","typ":"JWT"})"}) {
    EXPECT_EQ(errorOf(craft(header, payload, "")), TokenError::WrongAlgorithm) << header;
    EXPECT_EQ(errorOf(craft(header, payload, hmacB64(kSecret, "x"))), TokenError::WrongAlgorithm) << header;
  }
}

TEST_F(ParticipantTokenTest, OtherAlgorithmsAreWrongAlgorithmEvenWithValidSignatures) {
  // Correctly signed with the right secret, but not HS256: the algorithm is pinned.
  EXPECT_EQ(errorOf(mint(goodClaims(), JWT_ALG_HS384)), TokenError::WrongAlgorithm);
  EXPECT_EQ(errorOf(mint(goodClaims(), JWT_ALG_HS512)), TokenError::WrongAlgorithm);
  const std::string payload = goodClaims().dump();
  const std::string hs512Input = b64url(R"({"alg":"HS512","typ":"JWT"})") + "." + b64url(payload);
  EXPECT_EQ(errorOf(hs512Input + "." + hmacB64(kSecret, hs512Input, EVP_sha512())),
            TokenError::WrongAlgorithm);
  // Algorithm confusion: an RS256 header with an HMAC made from the "public key" as secret.
  EXPECT_EQ(errorOf(craft(R"({"alg":"RS256","typ":"JWT"})", payload, hmacB64(kSecret, "x"))),
            TokenError::WrongAlgorithm);
  EXPECT_EQ(errorOf(craft(R"({"alg":"hs256"})", payload, hmacB64(kSecret, "x"))), TokenError::WrongAlgorithm);
  EXPECT_EQ(errorOf(craft(R"({"alg":"ES256"})", payload, "c2ln")), TokenError::WrongAlgorithm);
}

TEST_F(ParticipantTokenTest, TamperedPayloadIsBadSignature) {
  const std::string valid = mint(goodClaims());
  json forged = goodClaims();
  forged["role"] = "coach";
  forged["userId"] = "attacker";
  const auto p1 = valid.find('.');
  const auto p2 = valid.rfind('.');
  const std::string tampered = valid.substr(0, p1) + "." + b64url(forged.dump()) + valid.substr(p2);
  EXPECT_EQ(errorOf(tampered), TokenError::BadSignature);
}

TEST_F(ParticipantTokenTest, WrongSecretAndDamagedSignaturesAreBadSignature) {
  EXPECT_EQ(errorOf(mint(goodClaims(), JWT_ALG_HS256, "some-other-secret")), TokenError::BadSignature);
  const std::string valid = mint(goodClaims());
  const std::string noSig = valid.substr(0, valid.rfind('.') + 1);
  EXPECT_EQ(errorOf(noSig), TokenError::BadSignature);
  EXPECT_EQ(errorOf(valid.substr(0, valid.size() - 4)), TokenError::BadSignature);
  std::string flipped = valid;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(errorOf(flipped), TokenError::BadSignature);
}

TEST_F(ParticipantTokenTest, EmptySecretRefusesEverything) {
  ParticipantTokenVerifier noSecret("");
  const auto r = noSecret.verify(craftHs256(R"({"alg":"HS256"})", goodClaims().dump(), ""), "room-42", kNow);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, TokenError::BadSignature);
}

TEST_F(ParticipantTokenTest, NotBeforeAndIssuedAtInTheFutureAreRefusedBeyondLeeway) {
  json claims = goodClaims();
  claims["nbf"] = kNow + 3600;  // valid from an hour ahead
  EXPECT_EQ(errorOf(mint(claims)), TokenError::NotYetValid);
  EXPECT_STREQ(tokenErrorCode(TokenError::NotYetValid), "token_not_yet_valid");
  claims["nbf"] = kNow + 30;  // clock skew within the leeway exp gets
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow).ok());
  claims["nbf"] = kNow + 31;
  EXPECT_EQ(errorOf(mint(claims)), TokenError::NotYetValid);
  claims["nbf"] = kNow - 60;
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow).ok());
  claims["iat"] = kNow + 3600;
  EXPECT_EQ(errorOf(mint(claims)), TokenError::NotYetValid);
  claims["iat"] = kNow - 5;
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow).ok());
  claims["nbf"] = "tomorrow";
  EXPECT_EQ(errorOf(mint(claims)), TokenError::MissingClaim);
  // A room created ahead of time checks its tokens without the clock: nbf at the session's start is fine.
  claims["nbf"] = kNow + 3600;
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow, /*checkExpiry=*/false).ok());
}

TEST_F(ParticipantTokenTest, ExpiryHonoursLeeway) {
  json claims = goodClaims();
  claims["exp"] = kNow - 100;
  EXPECT_EQ(errorOf(mint(claims)), TokenError::Expired);
  claims["exp"] = kNow - 10;  // within the default 30 s leeway
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow).ok());
  claims["exp"] = kNow - 30;  // exactly at the edge: now is no longer before exp + leeway
  EXPECT_EQ(errorOf(mint(claims)), TokenError::Expired);
  claims["exp"] = kNow - 29;
  EXPECT_TRUE(verifier_.verify(mint(claims), "room-42", kNow).ok());

  ParticipantTokenVerifier strict(kSecret, 0);
  claims["exp"] = kNow;
  EXPECT_EQ(strict.verify(mint(claims), "room-42", kNow).error, TokenError::Expired);
  claims["exp"] = kNow + 1;
  EXPECT_TRUE(strict.verify(mint(claims), "room-42", kNow).ok());
}

TEST_F(ParticipantTokenTest, CheckExpiryFalseSkipsOnlyExpiry) {
  json claims = goodClaims();
  claims["exp"] = kNow - 100000;
  const std::string token = mint(claims);
  EXPECT_TRUE(verifier_.verify(token, "room-42", kNow, false).ok());
  EXPECT_EQ(verifier_.verify(token, "other-room", kNow, false).error, TokenError::WrongRoom);
}

TEST_F(ParticipantTokenTest, FractionalAndHugeExpAreHandled) {
  json claims = goodClaims();
  claims["exp"] = static_cast<double>(kNow) + 3600.5;
  auto r = verifier_.verify(mint(claims), "room-42", kNow);
  ASSERT_TRUE(r.ok()) << tokenErrorCode(r.error);
  EXPECT_EQ(r.claims->exp, kNow + 3600);
  claims["exp"] = INT64_MAX;  // exp + leeway must not overflow into the past
  r = verifier_.verify(mint(claims), "room-42", kNow);
  EXPECT_TRUE(r.ok()) << tokenErrorCode(r.error);
}

TEST_F(ParticipantTokenTest, WrongRoomIsRefused) {
  EXPECT_EQ(errorOf(mint(goodClaims()), "room-43"), TokenError::WrongRoom);
  EXPECT_EQ(errorOf(mint(goodClaims()), "room-4"), TokenError::WrongRoom);
}

TEST_F(ParticipantTokenTest, MissingRequiredClaimsAreRefused) {
  for (const char* claim : {"userId", "roomId", "role", "exp"}) {
    json claims = goodClaims();
    claims.erase(claim);
    EXPECT_EQ(errorOf(mint(claims)), TokenError::MissingClaim) << claim;
  }
}

TEST_F(ParticipantTokenTest, WrongClaimTypesAreMissingClaim) {
  const std::vector<std::pair<std::string, json>> cases = {{"userId", 7},
                                                           {"userId", ""},
                                                           {"roomId", json::array()},
                                                           {"role", true},
                                                           {"exp", "1751299200"},
                                                           {"exp", nullptr},
                                                           {"sessionId", 5},
                                                           {"name", json::object()},
                                                           {"permissions", "video"},
                                                           {"permissions", {"video", 1}}};
  for (const auto& [claim, value] : cases) {
    json claims = goodClaims();
    claims[claim] = value;
    EXPECT_EQ(errorOf(mint(claims)), TokenError::MissingClaim) << claim << "=" << value.dump();
  }
}

TEST_F(ParticipantTokenTest, UnknownRoleIsInvalidRole) {
  for (const char* role : {"admin", "Coach", "", "coach "}) {
    json claims = goodClaims();
    claims["role"] = role;
    const TokenError e = errorOf(mint(claims));
    // An empty role is treated as absent, the rest as present but not allowed.
    EXPECT_EQ(e, *role ? TokenError::InvalidRole : TokenError::MissingClaim) << role;
  }
}

TEST(ParticipantTokenCodesTest, CodesAndMessagesAreDistinctAndSnakeCase) {
  const std::vector<std::pair<TokenError, std::string>> expected = {
      {TokenError::Missing, "token_missing"},
      {TokenError::Malformed, "token_malformed"},
      {TokenError::BadSignature, "token_bad_signature"},
      {TokenError::WrongAlgorithm, "token_wrong_algorithm"},
      {TokenError::Expired, "token_expired"},
      {TokenError::MissingClaim, "token_missing_claim"},
      {TokenError::InvalidRole, "token_invalid_role"},
      {TokenError::WrongRoom, "token_wrong_room"}};
  std::set<std::string> messages;
  for (const auto& [e, code] : expected) {
    EXPECT_EQ(tokenErrorCode(e), code);
    const std::string msg = tokenErrorMessage(e);
    EXPECT_FALSE(msg.empty());
    messages.insert(msg);
  }
  EXPECT_EQ(messages.size(), expected.size());
}

}  // namespace
}  // namespace rooms
