#include "api/ApiKeySet.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rooms {
namespace {

TEST(ApiKeySetTest, ParsesCommaSeparatedKeysTrimmingSpaces) {
  const auto set = ApiKeySet::parse(" alpha , beta,,  ,gamma ");
  EXPECT_EQ(set.size(), 3u);
  EXPECT_FALSE(set.empty());
  EXPECT_EQ(set.match("alpha"), 0u);
  EXPECT_EQ(set.match("beta"), 1u);
  EXPECT_EQ(set.match("gamma"), 2u);
}

TEST(ApiKeySetTest, EmptyInputGivesEmptySet) {
  EXPECT_TRUE(ApiKeySet::parse("").empty());
  EXPECT_TRUE(ApiKeySet::parse(" , ,, ").empty());
  EXPECT_FALSE(ApiKeySet::parse("").match("").has_value());
  EXPECT_FALSE(ApiKeySet::parse("").match("anything").has_value());
}

TEST(ApiKeySetTest, RejectsNearMisses) {
  const auto set = ApiKeySet::parse("s3cret-key");
  EXPECT_FALSE(set.match("").has_value());
  EXPECT_FALSE(set.match("s3cret").has_value());
  EXPECT_FALSE(set.match("s3cret-key ").has_value());
  EXPECT_FALSE(set.match(" s3cret-key").has_value());
  EXPECT_FALSE(set.match("S3CRET-KEY").has_value());
  EXPECT_FALSE(set.match("s3cret-kez").has_value());
  EXPECT_EQ(set.match("s3cret-key"), 0u);
}

TEST(ApiKeySetTest, KeysAreBinarySafe) {
  const auto set = ApiKeySet::parse(std::string_view("a\0b", 3));
  EXPECT_EQ(set.match(std::string_view("a\0b", 3)), 0u);
  EXPECT_FALSE(set.match("a").has_value());
}

TEST(ApiKeySetTest, DuplicateKeysMatchTheFirst) {
  const auto set = ApiKeySet::parse("k,other,k");
  EXPECT_EQ(set.match("k"), 0u);
}

TEST(ApiKeySetTest, LabelIsIndexAndDigestPrefix) {
  const auto set = ApiKeySet::parse("a,b");
  // sha256("a") = ca978112..., sha256("b") = 3e23e816...
  EXPECT_EQ(set.label(0), "key#0:ca978112");
  EXPECT_EQ(set.label(1), "key#1:3e23e816");
  EXPECT_THROW(set.label(2), std::out_of_range);
}

}  // namespace
}  // namespace rooms
