// The floor of `make bench`: what forwarding costs on this machine with no SFU around it. One thread receives
// SRTP packets with recvmmsg, decrypts each, re-encrypts a copy for each of K subscribers (their own SSRC and
// keys) and sends them with sendmmsg, nothing else: no routing tables, no RTCP, no per-subscriber rewriting
// beyond the SSRC. Its CPU time per forwarded packet is the practical limit our router is compared with.
// A generator thread feeds it the load generator's own packet mix (SyntheticStream) in the server's shape of
// traffic (a socket and SRTP session per publisher, one sendmmsg per publisher's due packets; a socket and
// session per subscriber), and a sink thread drains the subscribers' sockets; neither is counted. The
// forwarder uses the media worker's UdpBatchIo (recvmmsg, sendmmsg, segmentation offload). Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cerrno>

#include <CLI/CLI.hpp>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

#include "SteadyClock.h"
#include "SyntheticStream.h"
#include "rtc/UdpBatchIo.h"
#include "rtc/dtls/SrtpProfile.h"
#include "rtc/ice/StunAddress.h"
#include "rtc/srtp/SrtpSession.h"

using rooms::srtp::SrtpSession;
using namespace rooms::loadgen;

namespace {

constexpr size_t kBatch = 32;
constexpr size_t kSlot = 2048;

double threadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

int udpSocket(uint16_t& port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bind");
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  const int size = 4 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  timeval tv{0, 200000};  // receivers notice the end of the run
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

sockaddr_in loopback(uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  return a;
}

std::vector<uint8_t> randomKey(rooms::dtls::SrtpProfile profile) {
  std::vector<uint8_t> key(rooms::dtls::srtpKeyMaterialLength(profile));
  RAND_bytes(key.data(), static_cast<int>(key.size()));
  return key;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"srtp_floor: the cost of receive + SRTP decrypt + re-encrypt x K + send, and nothing else"};
  int subscribers = 1;
  int publishers = 100;
  uint32_t videoBitrate = 1000000;
  double seconds = 5;
  std::string jsonPath;
  std::string profileName = "gcm";
  app.add_option("--profile", profileName,
                 "SRTP protection profile: gcm (AEAD_AES_128_GCM) or cm (AES_CM_128_HMAC_SHA1_80)")
      ->check(CLI::IsMember({"gcm", "cm"}));
  app.add_option("--subscribers", subscribers, "K: copies of each packet")->check(CLI::Range(1, 16));
  app.add_option("--publishers", publishers, "synthetic publishers (audio + video each) feeding it");
  app.add_option("--video-bitrate", videoBitrate, "bit/s of each publisher's video");
  app.add_option("--seconds", seconds, "length of the run");
  app.add_option("--json", jsonPath, "write the figures as JSON here");
  CLI11_PARSE(app, argc, argv);

  SrtpSession::initLibrary();
  const auto profile = profileName == "gcm" ? rooms::dtls::SrtpProfile::AeadAes128Gcm
                                            : rooms::dtls::SrtpProfile::Aes128CmSha1_80;
  // The server's shape of traffic: each publisher its own socket and SRTP session, each subscriber (K per
  // publisher) its own socket and session, as roomsd has with one peer per participant.
  const auto pubs = static_cast<size_t>(publishers);
  const auto k = static_cast<size_t>(subscribers);
  std::vector<std::vector<uint8_t>> publisherKeys;
  for (size_t p = 0; p < pubs; ++p) publisherKeys.push_back(randomKey(profile));
  uint16_t ingressPort = 0;
  const int ingress = udpSocket(ingressPort);
  std::vector<int> sinks;
  std::vector<rooms::ice::StunAddress> sinkAddresses;
  for (size_t i = 0; i < pubs * k; ++i) {
    uint16_t port = 0;
    sinks.push_back(udpSocket(port));
    sinkAddresses.push_back(rooms::ice::StunAddress::v4({127, 0, 0, 1}, port));
  }
  std::atomic<bool> running{true};
  std::atomic<bool> generatorReady{false};

  // One sink thread drains every subscriber socket so the sends never back up.
  std::thread sinkThread([&] {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < sinks.size(); ++i) {
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = i;
      epoll_ctl(ep, EPOLL_CTL_ADD, sinks[i], &e);
    }
    auto io = std::make_unique<rooms::rtc::UdpBatchIo>();
    std::array<epoll_event, 64> ready{};
    while (running) {
      const int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), 100);
      for (int i = 0; i < n; ++i) {
        while (io->receive(sinks[ready[static_cast<size_t>(i)].data.u64]) ==
               rooms::rtc::UdpBatchIo::kReceiveBatch) {
        }
      }
    }
    close(ep);
  });

  // Generator: the load generator's packet mix, each publisher sending its due packets from its own socket
  // in one sendmmsg, as the load generator's peers do, at real time.
  std::vector<uint16_t> publisherPorts(pubs);
  std::thread generator([&] {
    struct Publisher {
      int fd = -1;
      std::unique_ptr<SrtpSession> out;
      std::vector<std::unique_ptr<SyntheticStream>> streams;
    };
    std::vector<Publisher> senders(pubs);
    const sockaddr_in to = loopback(ingressPort);
    const int64_t start = steadyNowNs();
    for (size_t p = 0; p < pubs; ++p) {
      auto& s = senders[p];
      s.fd = udpSocket(publisherPorts[p]);
      if (connect(s.fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
        std::perror("srtp_floor: generator socket");
        running = false;
        return;
      }
      s.out = std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, profile, publisherKeys[p]);
      const auto id = static_cast<uint32_t>(p * 2 + 1);
      s.streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Audio, id, 0x20000000u + id, 111, 0, 30}, start));
      s.streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Video, id + 1, 0x20000000u + id + 1, 96, videoBitrate, 30}, start));
    }
    generatorReady = true;
    std::vector<std::array<uint8_t, kSlot>> slots(64);
    std::array<mmsghdr, 64> headers{};
    std::array<iovec, 64> iov{};
    size_t queued = 0;
    const auto flush = [&](int fd) {
      for (size_t i = 0; i < queued; ++i) {
        headers[i].msg_hdr.msg_iov = &iov[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      if (queued) sendmmsg(fd, headers.data(), static_cast<unsigned>(queued), 0);
      queued = 0;
    };
    while (running) {
      const int64_t now = steadyNowNs();
      int64_t next = now + 1'000'000;
      for (auto& s : senders) {
        for (auto& stream : s.streams) {
          stream->produce(now, [&](uint8_t* rtp, size_t size) {
            if (queued == slots.size()) flush(s.fd);
            std::memcpy(slots[queued].data(), rtp, size);
            if (s.out->protectRtp(slots[queued].data(), size, kSlot)) {
              iov[queued] = {slots[queued].data(), size};
              ++queued;
            }
          });
          next = std::min(next, stream->nextDueNs());
        }
        flush(s.fd);
      }
      const int64_t wait = next - steadyNowNs();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    }
    for (auto& s : senders) close(s.fd);
  });
  while (!generatorReady && running) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  // The forwarder, measured: the media worker's own batched I/O (recvmmsg, sendmmsg, segmentation offload).
  uint64_t received = 0;
  uint64_t forwarded = 0;
  uint64_t sendErrors = 0;
  double cpu = 0;
  {
    std::unordered_map<uint16_t, size_t> publisherByPort;
    std::vector<std::unique_ptr<SrtpSession>> ins;
    for (size_t p = 0; p < pubs; ++p) {
      publisherByPort[publisherPorts[p]] = p;
      ins.push_back(
          std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, profile, publisherKeys[p]));
    }
    std::vector<std::unique_ptr<SrtpSession>> outs;
    for (size_t i = 0; i < pubs * k; ++i)
      outs.push_back(
          std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, profile, randomKey(profile)));
    auto io = std::make_unique<rooms::rtc::UdpBatchIo>();
    io->setSegmentation(rooms::rtc::UdpBatchIo::kernelSegments(ingress));
    std::array<uint8_t, kSlot> slot{};
    // Warm up before measuring: the generator's streams start spread over 20 ms.
    const int64_t warmEnd = steadyNowNs() + 500'000'000;
    while (steadyNowNs() < warmEnd) io->receive(ingress);
    const uint64_t dropped0 = io->dropped();
    const double cpu0 = threadCpuSeconds();
    const int64_t end = steadyNowNs() + static_cast<int64_t>(seconds * 1e9);
    while (steadyNowNs() < end) {
      pollfd readable{ingress, POLLIN, 0};
      if (poll(&readable, 1, 100) <= 0) continue;
      const size_t n = io->receive(ingress);
      for (size_t i = 0; i < n; ++i) {
        const auto from = publisherByPort.find(io->from(i).port);
        if (from == publisherByPort.end()) continue;
        uint8_t* data = io->data(i);
        size_t size = io->size(i);
        if (!ins[from->second]->unprotectRtp(data, size)) continue;
        ++received;
        for (size_t c = 0; c < k; ++c) {
          const size_t subscriber = from->second * k + c;
          std::memcpy(slot.data(), data, size);
          // Each subscriber's copy of a stream gets its own SSRC, as a router's consumer does.
          slot[8] = static_cast<uint8_t>(slot[8] ^ (0x40 + c));
          size_t outSize = size;
          if (!outs[subscriber]->protectRtp(slot.data(), outSize, kSlot)) continue;
          if (io->queue(ingress, sinkAddresses[subscriber], slot.data(), outSize)) ++forwarded;
        }
      }
      io->flush(ingress);
    }
    cpu = threadCpuSeconds() - cpu0;
    sendErrors = io->dropped() - dropped0;
    forwarded -= std::min(forwarded, sendErrors);
  }
  running = false;
  generator.join();
  sinkThread.join();
  if (sendErrors)
    std::printf("srtp_floor: %llu datagrams dropped (a full send buffer or a refused address)\n",
                static_cast<unsigned long long>(sendErrors));
  const double perPacketUs = forwarded ? cpu * 1e6 / static_cast<double>(forwarded) : 0;
  std::printf(
      "srtp_floor: %d publishers, K=%d: %llu packets in, %llu forwarded in %.1f s (%.0f pps out), "
      "forwarder CPU %.3f s = %.3f us per forwarded packet\n",
      publishers, subscribers, static_cast<unsigned long long>(received),
      static_cast<unsigned long long>(forwarded), seconds, static_cast<double>(forwarded) / seconds, cpu,
      perPacketUs);
  if (!jsonPath.empty()) {
    std::ofstream(jsonPath) << nlohmann::json{{"publishers", publishers},     {"subscribers", subscribers},
                                              {"received", received},         {"forwarded", forwarded},
                                              {"seconds", seconds},           {"cpuSeconds", cpu},
                                              {"cpuPerPacketUs", perPacketUs}}
                                   .dump(2)
                            << "\n";
  }
  close(ingress);
  for (int fd : sinks) close(fd);
  return forwarded > 0 ? 0 : 1;
}
