#include "core/Ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rooms {
namespace {

bool allLowerHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(IdsTest, AcceptsCanonicalUuids) {
  EXPECT_TRUE(isUuid("123e4567-e89b-12d3-a456-426614174000"));
  EXPECT_TRUE(isUuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_TRUE(isUuid("00000000-0000-0000-0000-000000000000"));
}

TEST(IdsTest, RejectsNonCanonicalUuids) {
  for (const char* s : {"", "123e4567e89b12d3a456426614174000", "{123e4567-e89b-12d3-a456-426614174000}",
                        "123e4567-e89b-12d3-a456-42661417400", "123e4567-e89b-12d3-a456-4266141740000",
                        "123e4567-e89b-12d3-a456_426614174000", "123e456-7e89b-12d3-a456-426614174000",
                        "123g4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400 "}) {
    EXPECT_FALSE(isUuid(s)) << s;
  }
}

TEST(IdsTest, SafeIdAllowsDocumentedCharset) {
  EXPECT_TRUE(isSafeId("a"));
  EXPECT_TRUE(isSafeId("room-1_A.b:c@d"));
  EXPECT_TRUE(isSafeId(std::string(128, 'x')));
}

TEST(IdsTest, SafeIdRejectsEverythingElse) {
  EXPECT_FALSE(isSafeId(""));
  EXPECT_FALSE(isSafeId(std::string(129, 'x')));
  for (const char* s :
       {"a/b", "../etc", "a b", "a%20b", "a?b", "a#b", "a\\b", "caf\xc3\xa9", "a\nb", "a+b"}) {
    EXPECT_FALSE(isSafeId(s)) << s;
  }
  EXPECT_FALSE(isSafeId(std::string_view("a\0b", 3)));
}

TEST(IdsTest, RandomHexHasRequestedLengthAndCharset) {
  EXPECT_EQ(randomHex(0), "");
  const std::string h = randomHex(16);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_TRUE(allLowerHex(h));
  EXPECT_EQ(randomHex(1).size(), 2u);
}

TEST(IdsTest, RandomHexDoesNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(randomHex(16));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, RandomIdCarriesPrefixAnd128Bits) {
  const std::string id = randomId("whk");
  ASSERT_EQ(id.size(), 4u + 32u);
  EXPECT_EQ(id.substr(0, 4), "whk_");
  EXPECT_TRUE(allLowerHex(id.substr(4)));
  EXPECT_TRUE(isSafeId(id));
  EXPECT_NE(randomId("whk"), randomId("whk"));
}

TEST(IdsTest, RandomIdWithoutPrefixIsBareHex) {
  const std::string id = randomId("");
  EXPECT_EQ(id.size(), 32u);
  EXPECT_TRUE(allLowerHex(id));
}

}  // namespace
}  // namespace rooms
