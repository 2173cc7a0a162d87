#pragma once
// Loss on one load-generator peer's own link, so `make bench` can show what recovery costs the server. The
// kernel here has no netem and the network rule forbids touching anything but the peer's own packets, so the
// peer drops them itself: what it sends before the socket, what it receives before SRTP. Each direction drops
// independently at random (Bernoulli), from a seed, so a run can be repeated. A peer with loss also does what
// a browser does about it (ClientPeer): it answers the server's NACKs from a history of what it sent, and
// NACKs what it misses of the video it receives.
#include <cstdint>
#include <random>

namespace rooms::loadgen {

struct ImpairmentSpec {
  double sendLossPercent = 0;     // of the packets the peer sends (media, retransmissions and RTCP)
  double receiveLossPercent = 0;  // of the RTP packets it receives
  uint64_t seed = 1;

  bool any() const { return sendLossPercent > 0 || receiveLossPercent > 0; }
};

class LinkImpairment {
 public:
  LinkImpairment() = default;
  LinkImpairment(const ImpairmentSpec& spec, uint64_t stream);

  bool active() const { return spec_.any(); }
  bool dropSent() { return drop(sendThreshold_); }
  bool dropReceived() { return drop(receiveThreshold_); }

 private:
  // A threshold on the generator's 64-bit output rather than a distribution object: one comparison per
  // packet, and the same sequence of drops on every standard library.
  static uint64_t thresholdOf(double percent);
  bool drop(uint64_t threshold) { return threshold != 0 && random_() < threshold; }

  ImpairmentSpec spec_;
  uint64_t sendThreshold_ = 0;
  uint64_t receiveThreshold_ = 0;
  std::mt19937_64 random_;
};

}  // namespace rooms::loadgen
