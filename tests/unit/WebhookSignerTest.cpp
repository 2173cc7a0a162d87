#include "events/WebhookSigner.h"

#include <gtest/gtest.h>

#include <string>

namespace rooms {
namespace {

TEST(WebhookSignerTest, Rfc4231TestCase1) {
  EXPECT_EQ(hmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(WebhookSignerTest, Rfc4231TestCase2) {
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignerTest, Rfc4231TestCase6KeyLongerThanBlock) {
  EXPECT_EQ(hmacSha256Hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(WebhookSignerTest, EmptyKeyAndBody) {
  EXPECT_EQ(hmacSha256Hex("", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(WebhookSignerTest, OutputIsLowercaseHexAndDependsOnEveryInput) {
  const std::string sig = hmacSha256Hex("secret", R"({"event":"room.created"})");
  EXPECT_EQ(sig.size(), 64u);
  EXPECT_EQ(sig.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(sig, hmacSha256Hex("secret2", R"({"event":"room.created"})"));
  EXPECT_NE(sig, hmacSha256Hex("secret", R"({"event":"room.created"} )"));
}

TEST(WebhookSignerTest, BodyIsBinarySafe) {
  EXPECT_NE(hmacSha256Hex("k", std::string_view("a\0b", 3)), hmacSha256Hex("k", "a"));
}

}  // namespace
}  // namespace rooms
