// The floor of `make bench`: what forwarding costs on this machine with no SFU around it. One thread receives
// SRTP packets with recvmmsg, decrypts each, re-encrypts a copy for each of K subscribers (their own SSRC and
// keys) and sends them with sendmmsg, nothing else: no routing tables, no RTCP, no per-subscriber rewriting
// beyond the SSRC. Its CPU time per forwarded packet is the practical limit our router is compared with.
// A client thread plays the load generator's part (not counted): rooms of K + 1 participants, each with its
// own socket and SRTP sessions, sending the load generator's packet mix (SyntheticStream) paced and woken as
// its media loop is, and receiving and decrypting the forwarded copies. The forwarder uses the media worker's
// UdpBatchIo (recvmmsg, sendmmsg, segmentation offload). Loopback only.
//
// With --forwarders N the rooms are split over N forwarder threads, each with its own socket, as roomsd's
// media workers split them: the same work per packet on N threads, so what the split alone costs on this
// machine (more wakeups with fewer packets each, threads meeting on shared cores) is measured without any
// of roomsd's code. make bench prints its ratio next to roomsd's 2-worker ratio.
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
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
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
  int repeats = 3;
  std::string jsonPath;
  std::string profileName = "gcm";
  int forwarders = 1;
  app.add_option("--profile", profileName,
                 "SRTP protection profile: gcm (AEAD_AES_128_GCM) or cm (AES_CM_128_HMAC_SHA1_80)")
      ->check(CLI::IsMember({"gcm", "cm"}));
  app.add_option("--subscribers", subscribers, "K: copies of each packet")->check(CLI::Range(1, 16));
  app.add_option("--publishers", publishers, "synthetic publishers (audio + video each) feeding it");
  app.add_option("--video-bitrate", videoBitrate, "bit/s of each publisher's video");
  app.add_option("--seconds", seconds, "length of each measurement window");
  app.add_option("--repeats", repeats, "measurement windows; the median is the figure")
      ->check(CLI::Range(1, 15));
  app.add_option("--json", jsonPath, "write the figures as JSON here");
  app.add_option("--forwarders", forwarders,
                 "forwarder threads, each with its own socket; rooms split evenly")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  SrtpSession::initLibrary();
  const auto profile = profileName == "gcm" ? rooms::dtls::SrtpProfile::AeadAes128Gcm
                                            : rooms::dtls::SrtpProfile::Aes128CmSha1_80;
  // The server's shape of traffic: rooms of K + 1 participants, each with its own socket, publishing audio
  // and video in its own SRTP session and receiving the other participants' streams on the same socket in
  // another session, as each load generator peer does with roomsd.
  const auto pubs = static_cast<size_t>(publishers);
  const auto k = static_cast<size_t>(subscribers);
  const size_t group = k + 1;
  if (pubs < group || pubs % group != 0) {
    std::fprintf(stderr, "srtp_floor: --publishers must be a multiple of --subscribers + 1\n");
    return 2;
  }
  std::vector<std::vector<uint8_t>> publisherKeys;
  std::vector<std::vector<uint8_t>> subscriberKeys;
  for (size_t p = 0; p < pubs; ++p) {
    publisherKeys.push_back(randomKey(profile));
    subscriberKeys.push_back(randomKey(profile));
  }
  const auto threads = static_cast<size_t>(forwarders);
  std::vector<int> ingress(threads);
  std::vector<uint16_t> ingressPorts(threads);
  for (size_t f = 0; f < threads; ++f) ingress[f] = udpSocket(ingressPorts[f]);
  // A room's participants all reach the same forwarder: its rooms go round-robin over them.
  const auto forwarderOf = [&](size_t publisher) { return publisher / group % threads; };
  std::vector<int> clientFds(pubs);
  std::vector<uint16_t> clientPorts(pubs);
  std::vector<rooms::ice::StunAddress> clientAddresses;
  for (size_t p = 0; p < pubs; ++p) {
    const sockaddr_in to = loopback(ingressPorts[forwarderOf(p)]);
    clientFds[p] = udpSocket(clientPorts[p]);
    clientAddresses.push_back(rooms::ice::StunAddress::v4({127, 0, 0, 1}, clientPorts[p]));
    if (connect(clientFds[p], reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      std::perror("srtp_floor: client socket");
      return 1;
    }
  }
  std::atomic<bool> running{true};
  std::atomic<bool> clientReady{false};
  std::atomic<uint64_t> delivered{0};

  // The clients: one thread, paced and woken exactly as the load generator's media loop (MediaLoop::run):
  // it sends each participant's due packets in one sendmmsg, then waits in epoll_wait on every participant's
  // socket with a millisecond timeout until the next packet is due, draining (and decrypting) what arrives.
  // The arrival pattern at the forwarder, and so its batches and wakeups per packet, is then the server's.
  std::thread clients([&] {
    struct Participant {
      std::unique_ptr<SrtpSession> out;
      std::unique_ptr<SrtpSession> in;
      std::vector<std::unique_ptr<SyntheticStream>> streams;
    };
    std::vector<Participant> participants(pubs);
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    // Each participant's clock starts at its own moment, as the load generator's peers start theirs when
    // each connects: with one start for all, every stream's packets would fall due on one shared 1 ms grid
    // and reach the forwarder in a few large bursts, which neither browsers nor the load generator produce.
    std::mt19937 jitter(7);
    std::uniform_int_distribution<int64_t> offsetNs(0, 20'000'000);
    const int64_t firstStart = steadyNowNs();
    for (size_t p = 0; p < pubs; ++p) {
      auto& c = participants[p];
      const int64_t start = firstStart + offsetNs(jitter);
      c.out = std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, profile, publisherKeys[p]);
      c.in = std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, profile, subscriberKeys[p]);
      const auto id = static_cast<uint32_t>(p * 2 + 1);
      c.streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Audio, id, 0x20000000u + id, 111, 0, 30}, start));
      c.streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Video, id + 1, 0x20000000u + id + 1, 96, videoBitrate, 30}, start));
      epoll_event e{};
      e.events = EPOLLIN;
      e.data.u64 = p;
      epoll_ctl(ep, EPOLL_CTL_ADD, clientFds[p], &e);
    }
    clientReady = true;
    std::vector<std::array<uint8_t, kSlot>> slots(kBatch);
    std::array<mmsghdr, kBatch> headers{};
    std::array<iovec, kBatch> iov{};
    size_t queued = 0;
    const auto flush = [&](int fd) {
      for (size_t i = 0; i < queued; ++i) {
        headers[i].msg_hdr.msg_iov = &iov[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      if (queued) sendmmsg(fd, headers.data(), static_cast<unsigned>(queued), 0);
      queued = 0;
    };
    auto io = std::make_unique<rooms::rtc::UdpBatchIo>();
    std::array<epoll_event, 256> ready{};
    int64_t nextDue = 0;
    while (running) {
      int64_t now = steadyNowNs();
      if (now >= nextDue) {
        nextDue = now + 50'000'000;
        for (size_t p = 0; p < pubs; ++p) {
          auto& c = participants[p];
          for (auto& stream : c.streams) {
            stream->produce(now, [&](uint8_t* rtp, size_t size) {
              if (queued == slots.size()) flush(clientFds[p]);
              std::memcpy(slots[queued].data(), rtp, size);
              if (c.out->protectRtp(slots[queued].data(), size, kSlot)) {
                iov[queued] = {slots[queued].data(), size};
                ++queued;
              }
            });
            nextDue = std::min(nextDue, stream->nextDueNs());
          }
          flush(clientFds[p]);
        }
      }
      now = steadyNowNs();
      const int64_t waitNs = std::max<int64_t>(0, nextDue - now);
      const int timeoutMs = static_cast<int>(std::min<int64_t>((waitNs + 999'999) / 1'000'000, 50));
      const int n = epoll_wait(ep, ready.data(), static_cast<int>(ready.size()), timeoutMs);
      for (int i = 0; i < n; ++i) {
        const size_t p = ready[static_cast<size_t>(i)].data.u64;
        size_t got = 0;
        do {
          got = io->receive(clientFds[p]);
          for (size_t j = 0; j < got; ++j) {
            size_t size = io->size(j);
            if (participants[p].in->unprotectRtp(io->data(j), size))
              delivered.fetch_add(1, std::memory_order_relaxed);
          }
        } while (got == rooms::rtc::UdpBatchIo::kReceiveBatch);
      }
    }
    close(ep);
  });
  while (!clientReady && running) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  // The forwarder, measured: the media worker's own batched I/O (recvmmsg, sendmmsg, segmentation offload).
  // Several windows back to back, since one window's figure moves with the VM's scheduling; the median
  // counts.
  struct Window {
    uint64_t received = 0;
    uint64_t forwarded = 0;
    uint64_t dropped = 0;
    double cpu = 0;
    double perPacketUs() const { return forwarded ? cpu * 1e6 / static_cast<double>(forwarded) : 0; }
  };
  // Per forwarder thread; the figures add up window by window. Every thread's windows start at the same
  // moments, so they measure the same stretch of time.
  std::vector<std::vector<Window>> perThread(threads, std::vector<Window>(static_cast<size_t>(repeats)));
  std::unordered_map<uint16_t, size_t> publisherByPort;
  std::vector<std::unique_ptr<SrtpSession>> ins;
  std::vector<std::unique_ptr<SrtpSession>> outs;
  for (size_t p = 0; p < pubs; ++p) {
    publisherByPort[clientPorts[p]] = p;
    ins.push_back(std::make_unique<SrtpSession>(SrtpSession::Direction::Inbound, profile, publisherKeys[p]));
    outs.push_back(
        std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, profile, subscriberKeys[p]));
  }
  // Warm up before measuring: the clients' streams start spread over 20 ms.
  const int64_t measureFrom = steadyNowNs() + 500'000'000;
  // A publisher's sessions and its room's subscribers' belong to its forwarder's thread alone.
  const auto forward = [&](size_t f) {
    const int fd = ingress[f];
    auto io = std::make_unique<rooms::rtc::UdpBatchIo>();
    io->setSegmentation(rooms::rtc::UdpBatchIo::kernelSegments(fd));
    std::array<uint8_t, kSlot> slot{};
    while (steadyNowNs() < measureFrom) {
      pollfd readable{fd, POLLIN, 0};
      if (poll(&readable, 1, 100) > 0) io->receive(fd);
    }
    int64_t windowStart = measureFrom;
    for (auto& w : perThread[f]) {
      const uint64_t dropped0 = io->dropped();
      const double cpu0 = threadCpuSeconds();
      const int64_t end = windowStart + static_cast<int64_t>(seconds * 1e9);
      windowStart = end;
      while (steadyNowNs() < end) {
        pollfd readable{fd, POLLIN, 0};
        if (poll(&readable, 1, 100) <= 0) continue;
        const size_t n = io->receive(fd);
        for (size_t i = 0; i < n; ++i) {
          const auto from = publisherByPort.find(io->from(i).port);
          if (from == publisherByPort.end()) continue;
          uint8_t* data = io->data(i);
          size_t size = io->size(i);
          if (!ins[from->second]->unprotectRtp(data, size)) continue;
          ++w.received;
          // To the other participants of the publisher's room.
          const size_t first = from->second / group * group;
          for (size_t subscriber = first; subscriber < first + group; ++subscriber) {
            if (subscriber == from->second) continue;
            std::memcpy(slot.data(), data, size);
            // The copy gets its own SSRC, as a router's consumer does.
            slot[8] = static_cast<uint8_t>(slot[8] ^ 0x40);
            size_t outSize = size;
            if (!outs[subscriber]->protectRtp(slot.data(), outSize, kSlot)) continue;
            if (io->queue(fd, clientAddresses[subscriber], slot.data(), outSize)) ++w.forwarded;
          }
        }
        io->flush(fd);
      }
      w.cpu = threadCpuSeconds() - cpu0;
      w.dropped = io->dropped() - dropped0;
      w.forwarded -= std::min(w.forwarded, w.dropped);
    }
  };
  {
    std::vector<std::thread> workers;
    for (size_t f = 1; f < threads; ++f) workers.emplace_back(forward, f);
    forward(0);
    for (auto& t : workers) t.join();
  }
  std::vector<Window> windows(static_cast<size_t>(repeats));
  for (const auto& mine : perThread) {
    for (size_t i = 0; i < windows.size(); ++i) {
      windows[i].received += mine[i].received;
      windows[i].forwarded += mine[i].forwarded;
      windows[i].dropped += mine[i].dropped;
      windows[i].cpu += mine[i].cpu;
    }
  }
  running = false;
  clients.join();
  uint64_t forwarded = 0;
  uint64_t dropped = 0;
  nlohmann::json runs = nlohmann::json::array();
  for (const auto& w : windows) {
    forwarded += w.forwarded;
    dropped += w.dropped;
    runs.push_back({{"received", w.received},
                    {"forwarded", w.forwarded},
                    {"cpuSeconds", w.cpu},
                    {"cpuPerPacketUs", w.perPacketUs()}});
    std::printf(
        "srtp_floor: %d publishers, K=%d, %d forwarder(s): %llu packets in, %llu forwarded in %.1f s (%.0f "
        "pps "
        "out), forwarder CPU %.3f s = %.3f us per forwarded packet\n",
        publishers, subscribers, forwarders, static_cast<unsigned long long>(w.received),
        static_cast<unsigned long long>(w.forwarded), seconds, static_cast<double>(w.forwarded) / seconds,
        w.cpu, w.perPacketUs());
  }
  if (dropped)
    std::printf("srtp_floor: %llu datagrams dropped (a full send buffer or a refused address)\n",
                static_cast<unsigned long long>(dropped));
  // Every copy reached its participant and decrypted there (less the last moment's in flight).
  std::printf("srtp_floor: %llu copies forwarded, %llu decrypted by the clients\n",
              static_cast<unsigned long long>(forwarded), static_cast<unsigned long long>(delivered.load()));
  std::vector<Window> sorted = windows;
  std::sort(sorted.begin(), sorted.end(),
            [](const Window& x, const Window& y) { return x.perPacketUs() < y.perPacketUs(); });
  const Window& median = sorted[sorted.size() / 2];
  std::printf("srtp_floor: median of %d windows: %.3f us per forwarded packet\n", repeats,
              median.perPacketUs());
  if (!jsonPath.empty()) {
    std::ofstream(jsonPath) << nlohmann::json{{"publishers", publishers},
                                              {"forwarders", forwarders},
                                              {"subscribers", subscribers},
                                              {"seconds", seconds},
                                              {"windows", runs},
                                              {"received", median.received},
                                              {"forwarded", median.forwarded},
                                              {"delivered", delivered.load()},
                                              {"cpuSeconds", median.cpu},
                                              {"cpuPerPacketUs", median.perPacketUs()}}
                                   .dump(2)
                            << "\n";
  }
  for (int fd : ingress) close(fd);
  for (int fd : clientFds) close(fd);
  return median.forwarded > 0 ? 0 : 1;
}
