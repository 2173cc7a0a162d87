#include "events/WebhookHttpClient.h"
#include "events/WebhookTargetPolicy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

namespace rooms {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A loopback HTTP server that answers `connections` connections, one request each, with a canned response,
// and keeps every raw request for the test to inspect. Reads and accepts time out so a broken client fails
// the test instead of hanging it.
class OneShotServer {
 public:
  OneShotServer(std::string response, int connections = 1, bool respond = true)
      : listener_(::socket(AF_INET, SOCK_STREAM, 0)), response_(std::move(response)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(listener_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listener_.get(), 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, connections, respond] { serve(connections, respond); });
  }
  ~OneShotServer() {
    if (thread_.joinable()) thread_.join();
  }
  OneShotServer(const OneShotServer&) = delete;
  OneShotServer& operator=(const OneShotServer&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  // Valid once the server thread has finished.
  const std::vector<std::string>& requests() {
    if (thread_.joinable()) thread_.join();
    return requests_;
  }

 private:
  void serve(int connections, bool respond) {
    for (int i = 0; i < connections; ++i) {
      pollfd p{listener_.get(), POLLIN, 0};
      if (::poll(&p, 1, 5000) != 1) return;
      Fd conn(::accept(listener_.get(), nullptr, nullptr));
      if (conn.get() < 0) return;
      timeval tv{5, 0};
      ::setsockopt(conn.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string req = readRequest(conn.get());
      requests_.push_back(req);
      if (!respond) {
        // Hold the connection open without answering until the client gives up.
        char buf[64];
        while (::recv(conn.get(), buf, sizeof buf, 0) > 0) {
        }
        continue;
      }
      size_t sent = 0;
      while (sent < response_.size()) {
        const ssize_t n = ::send(conn.get(), response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
      }
    }
  }

  static std::string readRequest(int fd) {
    std::string req;
    char buf[4096];
    size_t need = std::string::npos;
    while (need == std::string::npos || req.size() < need) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
      const auto end = req.find("\r\n\r\n");
      if (need == std::string::npos && end != std::string::npos) {
        const std::string head = lower(req.substr(0, end));
        const auto cl = head.find("content-length:");
        const size_t length = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 15));
        need = end + 4 + length;
      }
    }
    return req;
  }

  Fd listener_;
  std::string response_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::vector<std::string> requests_;
};

// Loopback and private networks are allowed by default, as the receivers here need.
const WebhookTargetPolicy kDefaultTargets;

std::string response(int status, const std::string& reason, const std::string& body,
                     const std::string& extraHeaders = "") {
  return "HTTP/1.1 " + std::to_string(status) + " " + reason +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n" + extraHeaders +
         "\r\n" + body;
}

TEST(WebhookHttpClientTest, PostsHeadersAndBodyAndReturnsStatus) {
  OneShotServer server(response(201, "Created", "thanks"));
  WebhookHttpClient client(kDefaultTargets);
  const std::string body = R"({"event":"room.created","roomId":"r1"})";
  const auto result =
      client.post(server.url(), {"Content-Type: application/json", "X-Rooms-Signature: abc123"}, body, 5000);
  EXPECT_EQ(result.status, 201);
  EXPECT_TRUE(result.error.empty()) << result.error;
  EXPECT_EQ(result.bodySnippet, "thanks");
  EXPECT_GE(result.elapsedMs, 0);

  const auto& reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string& req = reqs[0];
  EXPECT_EQ(req.rfind("POST /hook HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nContent-Type: application/json\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("\r\nX-Rooms-Signature: abc123\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos)
      << req;
  EXPECT_EQ(req.substr(req.find("\r\n\r\n") + 4), body);
}

TEST(WebhookHttpClientTest, LargeBodyIsSentWithoutExpectContinue) {
  OneShotServer server(response(200, "OK", ""));
  WebhookHttpClient client(kDefaultTargets);
  const std::string body(64 * 1024, 'x');
  const auto result = client.post(server.url(), {}, body, 5000);
  EXPECT_EQ(result.status, 200);
  const auto& reqs = server.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(lower(reqs[0]).find("expect:"), std::string::npos);
  EXPECT_EQ(reqs[0].substr(reqs[0].find("\r\n\r\n") + 4), body);
}

TEST(WebhookHttpClientTest, ErrorStatusesAreReportedNotHidden) {
  OneShotServer server(response(503, "Service Unavailable", "try later"));
  WebhookHttpClient client(kDefaultTargets);
  const auto result = client.post(server.url(), {}, "{}", 5000);
  EXPECT_EQ(result.status, 503);
  EXPECT_TRUE(result.error.empty());
  EXPECT_EQ(result.bodySnippet, "try later");
}

TEST(WebhookHttpClientTest, BodySnippetIsCappedAt512Bytes) {
  std::string big;
  for (int i = 0; i < 3000; ++i) big += static_cast<char>('a' + i % 26);
  OneShotServer server(response(200, "OK", big));
  WebhookHttpClient client(kDefaultTargets);
  const auto result = client.post(server.url(), {}, "{}", 5000);
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.bodySnippet, big.substr(0, 512));
}

TEST(WebhookHttpClientTest, RedirectsAreNotFollowed) {
  // Only one connection is served: following the Location would fail to connect or time out.
  OneShotServer server(response(302, "Found", "", "Location: http://127.0.0.1:1/elsewhere\r\n"));
  WebhookHttpClient client(kDefaultTargets);
  const auto result = client.post(server.url(), {}, "{}", 5000);
  EXPECT_EQ(result.status, 302);
  EXPECT_TRUE(result.error.empty()) << result.error;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(WebhookHttpClientTest, HandleIsReusableAcrossDeliveries) {
  OneShotServer server(response(204, "No Content", ""), 2);
  WebhookHttpClient client(kDefaultTargets);
  const auto first = client.post(server.url("/one"), {"X-N: 1"}, "first", 5000);
  const auto second = client.post(server.url("/two"), {}, "second", 5000);
  EXPECT_EQ(first.status, 204);
  EXPECT_EQ(second.status, 204);
  const auto& reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].rfind("POST /two ", 0), 0u);
  // Headers from the first delivery must not leak into the second.
  EXPECT_EQ(reqs[1].find("X-N:"), std::string::npos) << reqs[1];
  EXPECT_EQ(reqs[1].substr(reqs[1].find("\r\n\r\n") + 4), "second");
}

TEST(WebhookHttpClientTest, ConnectionRefusedGivesStatusZeroAndError) {
  uint16_t port = 0;
  {
    // Bind then close to get a loopback port nobody is listening on.
    Fd probe(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
  }
  WebhookHttpClient client(kDefaultTargets);
  const auto result = client.post("http://127.0.0.1:" + std::to_string(port) + "/hook", {}, "{}", 2000);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.error.empty());
  EXPECT_TRUE(result.bodySnippet.empty());
}

TEST(WebhookHttpClientTest, SlowReceiverTimesOut) {
  OneShotServer server("", 1, /*respond=*/false);
  WebhookHttpClient client(kDefaultTargets);
  const auto result = client.post(server.url(), {}, "{}", 300);
  EXPECT_EQ(result.status, 0);
  EXPECT_FALSE(result.error.empty());
  EXPECT_GE(result.elapsedMs, 250);
  EXPECT_LT(result.elapsedMs, 4000);
}

TEST(WebhookHttpClientTest, NonHttpSchemesAreRefused) {
  WebhookHttpClient client(kDefaultTargets);
  for (const char* url : {"file:///etc/hostname", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"}) {
    const auto result = client.post(url, {}, "{}", 1000);
    EXPECT_EQ(result.status, 0) << url;
    EXPECT_FALSE(result.error.empty()) << url;
    EXPECT_TRUE(result.bodySnippet.empty()) << url;
  }
}

TEST(WebhookHttpClientTest, AnAddressThePolicyRefusesGetsNoRequest) {
  OneShotServer server(response(200, "OK", "probe answered"), 2);
  // The receiver is on loopback, which this policy leaves out: the connection is made, nothing is sent.
  const WebhookTargetPolicy onlyPrivate(NetworkSet::parse("10.0.0.0/8"), {});
  WebhookHttpClient client(onlyPrivate);
  const auto result = client.post(server.url(), {}, "{}", 2000);
  EXPECT_EQ(result.status, 0);
  EXPECT_NE(result.error.find("refused: webhooks may not go to 127.0.0.1"), std::string::npos)
      << result.error;
  EXPECT_TRUE(result.bodySnippet.empty());
  // A name that resolves to the refused address is caught the same way (localhost, here).
  std::string named = server.url();
  named.replace(named.find("127.0.0.1"), 9, "localhost");
  const auto viaName = client.post(named, {}, "{}", 2000);
  EXPECT_EQ(viaName.status, 0);
  EXPECT_NE(viaName.error.find("refused"), std::string::npos) << viaName.error;
  // A URL refused outright never connects.
  const auto metadata = client.post("http://169.254.169.254/latest/meta-data/", {}, "{}", 2000);
  EXPECT_NE(metadata.error.find("always refused"), std::string::npos) << metadata.error;
}

}  // namespace
}  // namespace rooms
