#include "api/ClientAddress.h"

#include <gtest/gtest.h>

using namespace rooms;

TEST(ClientAddressTest, BelievesForwardedForOnlyFromTrustedProxies) {
  const auto proxies = NetworkSet::parse("10.0.0.0/8, 127.0.0.1");
  // Not a trusted peer: the header is whatever the client wrote.
  EXPECT_EQ(clientAddress("203.0.113.9", "198.51.100.1", proxies), "203.0.113.9");
  // From the proxy: the client it names.
  EXPECT_EQ(clientAddress("127.0.0.1", "198.51.100.1", proxies), "198.51.100.1");
  // Through two proxies; the leftmost entry was written by the client and is ignored.
  EXPECT_EQ(clientAddress("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.1.1", proxies), "198.51.100.1");
  // Only trusted hops: the leftmost is the best there is.
  EXPECT_EQ(clientAddress("127.0.0.1", "10.2.2.2, 10.1.1.1", proxies), "10.2.2.2");
  // Absent, empty or malformed headers leave the peer (or the last good hop).
  EXPECT_EQ(clientAddress("127.0.0.1", "", proxies), "127.0.0.1");
  EXPECT_EQ(clientAddress("127.0.0.1", "not-an-address", proxies), "127.0.0.1");
  EXPECT_EQ(clientAddress("127.0.0.1", "198.51.100.1, garbage, 10.1.1.1", proxies), "10.1.1.1");
  EXPECT_EQ(clientAddress("127.0.0.1", " ::ffff:198.51.100.7 ", proxies), "198.51.100.7");
  // Nobody trusted: never believed.
  EXPECT_EQ(clientAddress("127.0.0.1", "198.51.100.1", NetworkSet{}), "127.0.0.1");
}
