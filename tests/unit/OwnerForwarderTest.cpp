#include "api/OwnerForwarder.h"

#include <gtest/gtest.h>

namespace rooms {
namespace {

TEST(OwnerForwarderTest, ASignatureHoldsOnlyForItsSecretAndRequest) {
  const std::string header = OwnerForwarder::sign("cluster-secret", "node-a", "req-1");
  EXPECT_EQ(header.rfind("node-a ", 0), 0U);
  EXPECT_TRUE(OwnerForwarder::verify("cluster-secret", header, "req-1"));
  EXPECT_FALSE(OwnerForwarder::verify("other-secret", header, "req-1"));
  EXPECT_FALSE(OwnerForwarder::verify("cluster-secret", header, "req-2"));
  // Claiming another node's name with this signature fails too.
  std::string renamed = "node-b" + header.substr(6);
  EXPECT_FALSE(OwnerForwarder::verify("cluster-secret", renamed, "req-1"));
  EXPECT_FALSE(OwnerForwarder::verify("cluster-secret", "", "req-1"));
  EXPECT_FALSE(OwnerForwarder::verify("cluster-secret", "node-a", "req-1"));
}

TEST(OwnerForwarderTest, TheForwardedRequestKeepsTheClientsCredentialsAndNamesTheClient) {
  OwnerForwarder f("node-a", "cluster-secret", 1000, 1);
  boost::beast::http::fields headers;
  headers.set(boost::beast::http::field::authorization, "Bearer key");
  headers.set(boost::beast::http::field::content_type, "application/json");
  headers.set(boost::beast::http::field::cookie, "not=forwarded");
  ApiRequest req;
  req.method = boost::beast::http::verb::post;
  req.headers = &headers;
  req.requestId = "req-9";
  req.clientIp = "203.0.113.7";
  req.body = R"({"reason":"x"})";
  auto out = f.prepare("http://10.0.0.2:3001", req, "/api/rooms/r1/end?x=1");
  EXPECT_EQ(out.method, "POST");
  EXPECT_EQ(out.url, "http://10.0.0.2:3001/api/rooms/r1/end?x=1");
  EXPECT_EQ(out.body, req.body);
  auto has = [&](const std::string& h) {
    return std::find(out.headers.begin(), out.headers.end(), h) != out.headers.end();
  };
  EXPECT_TRUE(has("Authorization: Bearer key"));
  EXPECT_TRUE(has("Content-Type: application/json"));
  EXPECT_TRUE(has("X-Request-Id: req-9"));
  EXPECT_TRUE(has("X-Forwarded-For: 203.0.113.7"));
  EXPECT_TRUE(has("X-Rooms-Forwarded-By: " + OwnerForwarder::sign("cluster-secret", "node-a", "req-9")));
  for (const auto& h : out.headers) EXPECT_EQ(h.find("Cookie"), std::string::npos) << h;
}

}  // namespace
}  // namespace rooms
