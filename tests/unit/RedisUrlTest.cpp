#include "cluster/RedisUrl.h"

#include <gtest/gtest.h>

namespace rooms::cluster {
namespace {

TEST(RedisUrlTest, ParsesHostPortPasswordAndDatabase) {
  auto u = RedisUrl::parse("redis://:s3cret@cache.internal:6380/2");
  EXPECT_EQ(u.host, "cache.internal");
  EXPECT_EQ(u.port, 6380);
  EXPECT_EQ(u.user, "");
  EXPECT_EQ(u.password, "s3cret");
  EXPECT_EQ(u.db, 2);
  EXPECT_EQ(u.redacted(), "redis://:***@cache.internal:6380/2");
}

TEST(RedisUrlTest, DefaultsArePort6379AndDatabaseZero) {
  auto u = RedisUrl::parse("redis://127.0.0.1");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 6379);
  EXPECT_EQ(u.db, 0);
  EXPECT_EQ(u.redacted(), "redis://127.0.0.1:6379/0");
  auto withUser = RedisUrl::parse("redis://rooms:pw@h:1/");
  EXPECT_EQ(withUser.user, "rooms");
  EXPECT_EQ(withUser.password, "pw");
}

TEST(RedisUrlTest, RefusesWhatItCannotUseWithoutEchoingThePassword) {
  EXPECT_THROW(RedisUrl::parse("rediss://h:6379"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("http://h"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("redis://"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("redis://h:port"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("redis://h:70000"), std::invalid_argument);
  EXPECT_THROW(RedisUrl::parse("redis://h:6379/x"), std::invalid_argument);
  try {
    RedisUrl::parse("redis://:topsecret@h:bad");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("topsecret"), std::string::npos);
  }
}

}  // namespace
}  // namespace rooms::cluster
