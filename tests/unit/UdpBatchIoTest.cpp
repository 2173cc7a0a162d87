// Batched datagram I/O of the media worker, over real loopback sockets: what is queued arrives whole, in
// order, from the right address, however many batches it takes; what cannot be sent is counted, not crashed
// on.
#include "rtc/UdpBatchIo.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <memory>
#include <vector>

namespace rooms::rtc {
namespace {

struct Socket {
  int fd = -1;
  uint16_t port = 0;
  explicit Socket(int family = AF_INET) {
    fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    if (family == AF_INET) {
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      socklen_t len = sizeof a;
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      port = ntohs(a.sin_port);
    } else {
      sockaddr_in6 a{};
      a.sin6_family = AF_INET6;
      a.sin6_addr = in6addr_any;  // dual stack: IPv4 peers appear v4-mapped
      ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      socklen_t len = sizeof a;
      getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      port = ntohs(a.sin6_port);
    }
  }
  ~Socket() { ::close(fd); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
};

ice::StunAddress loopback(uint16_t port) {
  return ice::StunAddress::v4({127, 0, 0, 1}, port);
}

// Receives until `want` datagrams arrived or a second passed.
std::vector<std::vector<uint8_t>> receiveAll(UdpBatchIo& io, int fd, size_t want,
                                             std::vector<ice::StunAddress>* from = nullptr) {
  std::vector<std::vector<uint8_t>> out;
  for (int round = 0; round < 100 && out.size() < want; ++round) {
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 10);
    const size_t n = io.receive(fd);
    for (size_t i = 0; i < n; ++i) {
      out.emplace_back(io.data(i), io.data(i) + io.size(i));
      if (from) from->push_back(io.from(i));
    }
  }
  return out;
}

TEST(UdpBatchIoTest, QueuedDatagramsArriveWholeInOrderFromTheSender) {
  Socket sender, receiver;
  auto out = std::make_unique<UdpBatchIo>();
  auto in = std::make_unique<UdpBatchIo>();
  for (uint8_t i = 0; i < 3; ++i) {
    std::vector<uint8_t> d(100 + i * 500, static_cast<uint8_t>(0xA0 + i));
    ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), d.data(), d.size()));
  }
  EXPECT_EQ(out->queued(), 3u);
  EXPECT_EQ(out->flush(sender.fd), 3u);
  EXPECT_EQ(out->queued(), 0u);
  std::vector<ice::StunAddress> from;
  const auto got = receiveAll(*in, receiver.fd, 3, &from);
  ASSERT_EQ(got.size(), 3u);
  for (uint8_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got[i].size(), 100u + i * 500u);
    EXPECT_EQ(got[i].front(), 0xA0 + i);
    EXPECT_EQ(got[i].back(), 0xA0 + i);
    EXPECT_EQ(from[i].family, ice::StunAddress::Family::V4);
    EXPECT_EQ(from[i].port, sender.port);
    EXPECT_EQ(from[i].ip[0], 127);
  }
}

TEST(UdpBatchIoTest, AFullQueueFlushesItselfAndReceiveTakesSeveralBatches) {
  Socket sender, receiver;
  auto out = std::make_unique<UdpBatchIo>();
  auto in = std::make_unique<UdpBatchIo>();
  const size_t total = UdpBatchIo::kSendBatch * 2 + 5;
  for (size_t i = 0; i < total; ++i) {
    const uint8_t byte = static_cast<uint8_t>(i);
    ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), &byte, 1));
  }
  EXPECT_EQ(out->queued(), 5u) << "two full batches went out while queueing";
  out->flush(sender.fd);
  const auto got = receiveAll(*in, receiver.fd, total);
  ASSERT_EQ(got.size(), total);
  for (size_t i = 0; i < total; ++i) EXPECT_EQ(got[i][0], static_cast<uint8_t>(i));
  EXPECT_EQ(out->dropped(), 0u);
}

TEST(UdpBatchIoTest, RefusesWhatItCannotSendAndCountsIt) {
  Socket sender;
  auto out = std::make_unique<UdpBatchIo>();
  std::vector<uint8_t> big(UdpBatchIo::kDatagramSize + 1);
  EXPECT_FALSE(out->queue(sender.fd, loopback(9), big.data(), big.size()));
  EXPECT_FALSE(out->queue(sender.fd, ice::StunAddress{}, big.data(), 10)) << "no address family";
  EXPECT_EQ(out->dropped(), 2u);
  EXPECT_EQ(out->queued(), 0u);
  // A socket that is gone: the queue is dropped, nothing is sent, nothing crashes.
  ASSERT_TRUE(out->queue(-1, loopback(9), big.data(), 10));
  EXPECT_EQ(out->flush(-1), 0u);
  EXPECT_EQ(out->dropped(), 3u);
}

TEST(UdpBatchIoTest, ADualStackSocketSendsToAndReportsIpv4PeersAsIpv4) {
  Socket v6(AF_INET6), v4;
  auto out = std::make_unique<UdpBatchIo>();
  out->setIpv6Socket(true);
  const uint8_t hello[] = {1, 2, 3};
  ASSERT_TRUE(out->queue(v6.fd, loopback(v4.port), hello, sizeof hello));
  EXPECT_EQ(out->flush(v6.fd), 1u);
  auto in4 = std::make_unique<UdpBatchIo>();
  ASSERT_EQ(receiveAll(*in4, v4.fd, 1).size(), 1u);

  ASSERT_TRUE(in4->queue(v4.fd, loopback(v6.port), hello, sizeof hello));
  in4->flush(v4.fd);
  auto in6 = std::make_unique<UdpBatchIo>();
  std::vector<ice::StunAddress> from;
  ASSERT_EQ(receiveAll(*in6, v6.fd, 1, &from).size(), 1u);
  EXPECT_EQ(from[0].family, ice::StunAddress::Family::V4) << "v4-mapped is the same tuple as plain IPv4";
  EXPECT_EQ(from[0].port, v4.port);
}

}  // namespace
}  // namespace rooms::rtc
