// The floor of `make bench`: what forwarding costs on this machine with no SFU around it. One thread receives
// SRTP packets with recvmmsg, decrypts each, re-encrypts a copy for each of K subscribers (their own SSRC and
// keys) and sends them with sendmmsg, nothing else: no routing tables, no RTCP, no per-subscriber rewriting
// beyond the SSRC. Its CPU time per forwarded packet is the practical limit our router is compared with.
// A generator thread feeds it the load generator's own packet mix (SyntheticStream) and sink threads drain
// the subscribers' sockets, so neither is counted. Loopback only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
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
#include <vector>

#include "SteadyClock.h"
#include "SyntheticStream.h"
#include "rtc/dtls/SrtpProfile.h"
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
  const auto ingressKey = randomKey(profile);
  uint16_t ingressPort = 0;
  const int ingress = udpSocket(ingressPort);
  std::vector<int> sinks;
  std::vector<sockaddr_in> sinkAddresses;
  for (int k = 0; k < subscribers; ++k) {
    uint16_t port = 0;
    sinks.push_back(udpSocket(port));
    sinkAddresses.push_back(loopback(port));
  }
  std::atomic<bool> running{true};

  // Sinks: drain each subscriber socket so the sends never back up.
  std::vector<std::thread> sinkThreads;
  for (int k = 0; k < subscribers; ++k) {
    sinkThreads.emplace_back([&, k] {
      std::vector<std::array<uint8_t, kSlot>> buffers(kBatch);
      std::array<mmsghdr, kBatch> headers{};
      std::array<iovec, kBatch> iov{};
      for (size_t i = 0; i < kBatch; ++i) {
        iov[i] = {buffers[i].data(), kSlot};
        headers[i].msg_hdr.msg_iov = &iov[i];
        headers[i].msg_hdr.msg_iovlen = 1;
      }
      while (running) {
        recvmmsg(sinks[static_cast<size_t>(k)], headers.data(), kBatch, MSG_WAITFORONE, nullptr);
      }
    });
  }

  // Generator: the load generator's packet mix from `publishers` publishers, SRTP-protected, at real time.
  std::thread generator([&] {
    SrtpSession out(SrtpSession::Direction::Outbound, profile, ingressKey);
    const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_in to = loopback(ingressPort);
    if (fd < 0 || connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
      std::perror("srtp_floor: generator socket");
      running = false;
      return;
    }
    std::vector<std::unique_ptr<SyntheticStream>> streams;
    const int64_t start = steadyNowNs();
    for (int p = 0; p < publishers; ++p) {
      const auto id = static_cast<uint32_t>(p * 2 + 1);
      streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Audio, id, 0x20000000u + id, 111, 0, 30}, start));
      streams.push_back(std::make_unique<SyntheticStream>(
          StreamSpec{StreamKind::Video, id + 1, 0x20000000u + id + 1, 96, videoBitrate, 30}, start));
    }
    std::vector<std::array<uint8_t, kSlot>> slots(64);
    std::array<mmsghdr, 64> headers{};
    std::array<iovec, 64> iov{};
    size_t queued = 0;
    const auto flush = [&] {
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
      for (auto& s : streams) {
        s->produce(now, [&](uint8_t* rtp, size_t size) {
          if (queued == slots.size()) flush();
          std::memcpy(slots[queued].data(), rtp, size);
          if (out.protectRtp(slots[queued].data(), size, kSlot)) {
            iov[queued] = {slots[queued].data(), size};
            ++queued;
          }
        });
        next = std::min(next, s->nextDueNs());
      }
      flush();
      const int64_t wait = next - steadyNowNs();
      if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
    }
    close(fd);
  });

  // The forwarder, measured.
  uint64_t received = 0;
  uint64_t forwarded = 0;
  uint64_t sendErrors = 0;
  int lastErrno = 0;
  double cpu = 0;
  {
    SrtpSession in(SrtpSession::Direction::Inbound, profile, ingressKey);
    std::vector<std::unique_ptr<SrtpSession>> outs;
    for (int k = 0; k < subscribers; ++k)
      outs.push_back(
          std::make_unique<SrtpSession>(SrtpSession::Direction::Outbound, profile, randomKey(profile)));
    const int egress = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    std::vector<std::array<uint8_t, kSlot>> inBuffers(kBatch);
    std::array<mmsghdr, kBatch> inHeaders{};
    std::array<iovec, kBatch> inIov{};
    for (size_t i = 0; i < kBatch; ++i) {
      inIov[i] = {inBuffers[i].data(), kSlot};
      inHeaders[i].msg_hdr.msg_iov = &inIov[i];
      inHeaders[i].msg_hdr.msg_iovlen = 1;
    }
    const size_t outCapacity = kBatch * static_cast<size_t>(subscribers);
    std::vector<std::array<uint8_t, kSlot>> outBuffers(outCapacity);
    std::vector<mmsghdr> outHeaders(outCapacity);
    std::vector<iovec> outIov(outCapacity);
    // Warm up before measuring: the generator's streams start spread over 20 ms.
    const int64_t warmEnd = steadyNowNs() + 500'000'000;
    while (steadyNowNs() < warmEnd) recvmmsg(ingress, inHeaders.data(), kBatch, MSG_DONTWAIT, nullptr);
    const double cpu0 = threadCpuSeconds();
    const int64_t end = steadyNowNs() + static_cast<int64_t>(seconds * 1e9);
    while (steadyNowNs() < end) {
      for (auto& h : inHeaders) h.msg_len = 0;
      const int n = recvmmsg(ingress, inHeaders.data(), kBatch, MSG_WAITFORONE, nullptr);
      if (n <= 0) continue;
      size_t queued = 0;
      for (int i = 0; i < n; ++i) {
        uint8_t* data = inBuffers[static_cast<size_t>(i)].data();
        size_t size = inHeaders[static_cast<size_t>(i)].msg_len;
        if (!in.unprotectRtp(data, size)) continue;
        ++received;
        for (int k = 0; k < subscribers; ++k) {
          auto& slot = outBuffers[queued];
          std::memcpy(slot.data(), data, size);
          // Each subscriber's copy of a stream gets its own SSRC, as a router's consumer does.
          slot[8] = static_cast<uint8_t>(slot[8] ^ (0x40 + k));
          size_t outSize = size;
          if (!outs[static_cast<size_t>(k)]->protectRtp(slot.data(), outSize, kSlot)) continue;
          outIov[queued] = {slot.data(), outSize};
          outHeaders[queued].msg_hdr.msg_iov = &outIov[queued];
          outHeaders[queued].msg_hdr.msg_iovlen = 1;
          outHeaders[queued].msg_hdr.msg_name = &sinkAddresses[static_cast<size_t>(k)];
          outHeaders[queued].msg_hdr.msg_namelen = sizeof(sockaddr_in);
          ++queued;
        }
      }
      size_t sent = 0;
      while (sent < queued) {
        const int s = sendmmsg(egress, outHeaders.data() + sent, static_cast<unsigned>(queued - sent), 0);
        if (s <= 0) {
          ++sendErrors;
          lastErrno = errno;
          break;
        }
        sent += static_cast<size_t>(s);
      }
      forwarded += sent;
    }
    cpu = threadCpuSeconds() - cpu0;
    close(egress);
  }
  running = false;
  generator.join();
  for (auto& t : sinkThreads) t.join();
  if (sendErrors)
    std::printf("srtp_floor: %llu failed sendmmsg calls (%s)\n", static_cast<unsigned long long>(sendErrors),
                std::strerror(lastErrno));
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
