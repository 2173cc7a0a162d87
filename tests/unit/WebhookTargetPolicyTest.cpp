#include "events/WebhookTargetPolicy.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace rooms;

namespace {

bool allowed(const WebhookTargetPolicy& p, const std::string& url) {
  return !p.checkUrl(url).has_value();
}

}  // namespace

TEST(WebhookTargetPolicyTest, RefusesWhatIsNotAnHttpUrlWithAHost) {
  const WebhookTargetPolicy p;
  EXPECT_TRUE(allowed(p, "http://127.0.0.1:4000/hooks/rooms"));
  EXPECT_TRUE(allowed(p, "https://app.example.com/hooks?x=1"));
  EXPECT_TRUE(allowed(p, "http://localhost:3000/webhooks"));
  EXPECT_TRUE(allowed(p, "http://[::1]:3000/webhooks"));
  EXPECT_TRUE(allowed(p, "http://10.1.2.3/hook"));  // private networks stay allowed by default
  EXPECT_TRUE(allowed(p, "HTTPS://app.example.com/hook"));
  for (const char* bad :
       {"http://", "http:///etc/passwd", "file:///etc/passwd", "ftp://example.com/x",
        "gopher://127.0.0.1:6379/_INFO", "example.com/hook", "", "http://a b/",
        "http://example.com/\r\nX-Injected: 1", "http://example.com/\x01",
        "http://user:secret@example.com/hook", "http://[fe80::1%25eth0]/", "http://example.com:99999/",
        "http://exa\xc3\xa9mple.com/", "http://example.com\\@127.0.0.1/", "http:/s/user:pw@://[::fm/hook",
        "HTTP:/host/"}) {
    EXPECT_FALSE(allowed(p, bad)) << bad;
  }
  EXPECT_FALSE(allowed(p, "http://example.com/" + std::string(3000, 'a')));
}

TEST(WebhookTargetPolicyTest, AlwaysRefusesLinkLocalAndMetadataAddresses) {
  const WebhookTargetPolicy p;
  for (const char* bad :
       {"http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/", "http://[fe80::1]/",
        "http://100.100.100.200/latest/meta-data", "http://[::ffff:169.254.169.254]/", "http://0.0.0.0:80/",
        "http://[::]/", "http://224.0.0.1/", "http://255.255.255.255/"}) {
    EXPECT_FALSE(allowed(p, bad)) << bad;
  }
  // Even when the allow list names them.
  const WebhookTargetPolicy permissive(NetworkSet::parse("0.0.0.0/0 ::/0"), {});
  EXPECT_FALSE(allowed(permissive, "http://169.254.169.254/"));
  EXPECT_TRUE(allowed(permissive, "http://192.0.2.1/"));
  const auto reason = p.checkUrl("http://169.254.169.254/");
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("169.254.169.254"), std::string::npos) << *reason;
}

TEST(WebhookTargetPolicyTest, AllowAndDenyListsApplyToAddresses) {
  const WebhookTargetPolicy p(NetworkSet::parse("10.0.0.0/8, 127.0.0.1"), NetworkSet::parse("10.9.0.0/16"));
  EXPECT_FALSE(p.checkAddress("10.1.2.3"));
  EXPECT_FALSE(p.checkAddress("127.0.0.1"));
  EXPECT_FALSE(p.checkAddress("::ffff:127.0.0.1"));  // the same peer, mapped
  EXPECT_TRUE(p.checkAddress("127.0.0.2"));
  EXPECT_TRUE(p.checkAddress("10.9.1.1"));  // denied inside the allowed network
  EXPECT_TRUE(p.checkAddress("192.168.1.1"));
  EXPECT_TRUE(p.checkAddress("not-an-address"));
  // Names are not resolved here: their address is checked when the delivery connects.
  EXPECT_FALSE(p.checkUrl("http://hooks.example.com/"));
}

TEST(NetworkSetTest, ParsesNetworksAndAddresses) {
  const auto set = NetworkSet::parse(" 10.1.2.3/8,fd00::/8  192.0.2.7 ");
  EXPECT_TRUE(set.contains(boost::asio::ip::make_address("10.200.0.1")));
  EXPECT_TRUE(set.contains(boost::asio::ip::make_address("fd12::1")));
  EXPECT_TRUE(set.contains(boost::asio::ip::make_address("192.0.2.7")));
  EXPECT_FALSE(set.contains(boost::asio::ip::make_address("192.0.2.8")));
  EXPECT_FALSE(set.contains(boost::asio::ip::make_address("11.0.0.1")));
  EXPECT_TRUE(NetworkSet::parse("").empty());
  EXPECT_THROW(NetworkSet::parse("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(NetworkSet::parse("example.com"), std::invalid_argument);
  EXPECT_THROW(NetworkSet::parse("10.0.0.0/"), std::invalid_argument);
  EXPECT_THROW(NetworkSet::parse("::/129"), std::invalid_argument);
}
