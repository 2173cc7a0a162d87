// Batched datagram I/O of the media worker, over real loopback sockets: what is queued arrives whole, in
// order, from the right address, however many batches it takes; what cannot be sent is counted, not crashed
// on.
#include "rtc/UdpBatchIo.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "core/Clock.h"

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

// What transport-wide feedback reports: when the datagram reached the socket, not when the media thread got
// round to reading it (a thread that was not scheduled for a while must not look like a queue on the path).
TEST(UdpBatchIoTest, ArrivalTimesAreTheKernelsNotTheRead) {
  Socket sender, receiver;
  ASSERT_TRUE(UdpBatchIo::enableArrivalTimes(receiver.fd));
  auto out = std::make_unique<UdpBatchIo>();
  auto in = std::make_unique<UdpBatchIo>();
  // The kernel switches its receive timestamps on from a work queue when the first socket asks; until then
  // a datagram is stamped when it is read. roomsd asks at start, long before media; here a first datagram
  // (not measured) gives it the time.
  const uint8_t warmUp = 0;
  ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), &warmUp, 1));
  out->flush(sender.fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(receiveAll(*in, receiver.fd, 1).size(), 1u);
  const uint8_t first = 1;
  const int64_t sentUs = steadyNowUs();
  ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), &first, 1));
  out->flush(sender.fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const uint8_t second = 2;
  ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), &second, 1));
  out->flush(sender.fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  const int64_t readUs = steadyNowUs();
  ASSERT_EQ(in->receive(receiver.fd), 2u) << "both wait in the socket, read in one batch";
  EXPECT_GE(in->arrivalUs(0), sentUs - 2'000) << "the clocks' offset is taken per batch, within a little";
  EXPECT_LE(in->arrivalUs(0), readUs - 100'000) << "stamped at arrival, 120 ms before the read";
  const int64_t apart = in->arrivalUs(1) - in->arrivalUs(0);
  EXPECT_GE(apart, 55'000);
  EXPECT_LE(apart, 200'000);
  EXPECT_LE(in->arrivalUs(1), readUs - 40'000);
}

TEST(UdpBatchIoTest, WithoutKernelTimesArrivalIsTheRead) {
  Socket sender, receiver;
  auto out = std::make_unique<UdpBatchIo>();
  auto in = std::make_unique<UdpBatchIo>();
  const uint8_t byte = 1;
  ASSERT_TRUE(out->queue(sender.fd, loopback(receiver.port), &byte, 1));
  out->flush(sender.fd);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const int64_t beforeUs = steadyNowUs();
  ASSERT_EQ(in->receive(receiver.fd), 1u);
  EXPECT_GE(in->arrivalUs(0), beforeUs);
  EXPECT_LE(in->arrivalUs(0), steadyNowUs());
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

// Datagrams of `sizes`, each filled with its index in the whole test, queued to `to`.
void queueSized(UdpBatchIo& out, int fd, uint16_t to, std::initializer_list<size_t> sizes, uint8_t& index) {
  for (const size_t size : sizes) {
    std::vector<uint8_t> d(size, index++);
    ASSERT_TRUE(out.queue(fd, loopback(to), d.data(), d.size()));
  }
}

void expectArrived(const std::vector<std::vector<uint8_t>>& got,
                   std::initializer_list<std::pair<size_t, uint8_t>> want) {
  ASSERT_EQ(got.size(), want.size());
  size_t i = 0;
  for (const auto& [size, index] : want) {
    EXPECT_EQ(got[i].size(), size) << "datagram " << i;
    EXPECT_EQ(got[i].front(), index) << "datagram " << i;
    EXPECT_EQ(got[i].back(), index) << "datagram " << i;
    ++i;
  }
}

TEST(UdpBatchIoTest, RunsOfOneDestinationLeaveAsOneMessageAndArriveAsTheirDatagramsInOrder) {
  Socket sender, a, b;
  auto out = std::make_unique<UdpBatchIo>();
  uint8_t index = 0;
  // A video frame to a, one to b interleaved with the rest of a's, then more for a after a shorter datagram
  // ended its run (only the last segment of a run may be shorter).
  queueSized(*out, sender.fd, a.port, {1000, 1000}, index);
  queueSized(*out, sender.fd, b.port, {500}, index);
  queueSized(*out, sender.fd, a.port, {1000, 800}, index);
  queueSized(*out, sender.fd, b.port, {500}, index);
  queueSized(*out, sender.fd, a.port, {1000, 1000}, index);
  EXPECT_EQ(out->flush(sender.fd), 8u);
  EXPECT_EQ(out->lastMessages(), 3u) << "a: 1000 1000 1000 800; b: 500 500; a: 1000 1000";
  auto in = std::make_unique<UdpBatchIo>();
  expectArrived(receiveAll(*in, a.fd, 6), {{1000, 0}, {1000, 1}, {1000, 3}, {800, 4}, {1000, 6}, {1000, 7}});
  expectArrived(receiveAll(*in, b.fd, 2), {{500, 2}, {500, 5}});
  EXPECT_EQ(out->dropped(), 0u);
}

TEST(UdpBatchIoTest, ALargerDatagramStartsANewRunAsBrowsersSplitFramesSmallestFirst) {
  Socket sender, a;
  auto out = std::make_unique<UdpBatchIo>();
  uint8_t index = 0;
  queueSized(*out, sender.fd, a.port, {918, 918, 919, 919}, index);
  EXPECT_EQ(out->flush(sender.fd), 4u);
  EXPECT_EQ(out->lastMessages(), 2u);
  auto in = std::make_unique<UdpBatchIo>();
  expectArrived(receiveAll(*in, a.fd, 4), {{918, 0}, {918, 1}, {919, 2}, {919, 3}});
}

TEST(UdpBatchIoTest, RunsStopAtTheKernelsSizeLimitsAndLargeDatagramsGoAlone) {
  Socket sender, a;
  auto out = std::make_unique<UdpBatchIo>();
  std::vector<uint8_t> d(1100, 7);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(out->queue(sender.fd, loopback(a.port), d.data(), d.size()));
  EXPECT_EQ(out->flush(sender.fd), 60u);
  EXPECT_EQ(out->lastMessages(), 2u) << "60 x 1100 bytes is over one message's "
                                     << UdpBatchIo::kMaxSegmentedBytes;
  auto in = std::make_unique<UdpBatchIo>();
  EXPECT_EQ(receiveAll(*in, a.fd, 60).size(), 60u);

  std::vector<uint8_t> large(UdpBatchIo::kMaxSegmentSize + 1, 9);
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(out->queue(sender.fd, loopback(a.port), large.data(), large.size()));
  EXPECT_EQ(out->flush(sender.fd), 3u);
  EXPECT_EQ(out->lastMessages(), 3u) << "past a typical path MTU, no segmentation";
  EXPECT_EQ(receiveAll(*in, a.fd, 3).size(), 3u);
}

TEST(UdpBatchIoTest, ARunTheKernelWillNotSegmentIsSentDatagramByDatagram) {
  Socket sender, a;
  // Without UDP checksums the kernel refuses segmentation (EINVAL) but sends single datagrams.
  const int one = 1;
  ASSERT_EQ(setsockopt(sender.fd, SOL_SOCKET, SO_NO_CHECK, &one, sizeof one), 0);
  auto out = std::make_unique<UdpBatchIo>();
  uint8_t index = 0;
  queueSized(*out, sender.fd, a.port, {600, 600, 600, 300}, index);
  EXPECT_EQ(out->flush(sender.fd), 4u);
  EXPECT_EQ(out->lastMessages(), 4u);
  EXPECT_EQ(out->dropped(), 0u);
  EXPECT_TRUE(out->segmentation()) << "a refusal of one run is not the device's lack of offload (EIO)";
  auto in = std::make_unique<UdpBatchIo>();
  expectArrived(receiveAll(*in, a.fd, 4), {{600, 0}, {600, 1}, {600, 2}, {300, 3}});
}

TEST(UdpBatchIoTest, KnowsWhetherTheKernelSegments) {
  Socket udp;
  EXPECT_TRUE(UdpBatchIo::kernelSegments(udp.fd)) << "Debian 12's kernel (6.1) has UDP_SEGMENT";
  const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_FALSE(UdpBatchIo::kernelSegments(tcp)) << "not a UDP socket";
  ::close(tcp);
  EXPECT_FALSE(UdpBatchIo::kernelSegments(-1));
}

TEST(UdpBatchIoTest, WithoutSegmentationEveryDatagramIsItsOwnMessage) {
  Socket sender, a;
  auto out = std::make_unique<UdpBatchIo>();
  out->setSegmentation(false);
  uint8_t index = 0;
  queueSized(*out, sender.fd, a.port, {700, 700, 700}, index);
  EXPECT_EQ(out->flush(sender.fd), 3u);
  EXPECT_EQ(out->lastMessages(), 3u);
  auto in = std::make_unique<UdpBatchIo>();
  expectArrived(receiveAll(*in, a.fd, 3), {{700, 0}, {700, 1}, {700, 2}});
}

}  // namespace
}  // namespace rooms::rtc
