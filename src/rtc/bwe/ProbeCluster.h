#pragma once
// One burst of padding sent on purpose at a known rate to learn what a subscriber's link carries (libwebrtc's
// probe clusters): if the link is slower than the burst, its bottleneck spreads the packets out and they
// arrive at the link's rate; if not, they arrive as sent. The result compares the two rates the way
// libwebrtc's ProbeBitrateEstimator does: the send rate counts every byte but the last packet's (sent at the
// end of the interval), the receive rate every byte but the first packet's. Media thread only; nothing
// allocates.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rooms::rtc {

class ProbeCluster {
 public:
  // A cluster judged on fewer reported arrivals than these shares of what was sent says too little.
  static constexpr double kMinReceivedPackets = 0.8;
  static constexpr double kMinReceivedBytes = 0.8;
  // Arriving at under this share of the send rate means the link is slower than the cluster: it is at its
  // capacity, and the estimate goes a little under what arrived.
  static constexpr double kSaturated = 0.9;
  static constexpr double kBelowCapacity = 0.95;
  // Arriving more than this much faster than sent is a measurement error (a burst held up on the way).
  static constexpr double kMaxReceiveOverSend = 2.0;

  struct Result {
    uint64_t bps = 0;
    bool saturated = false;  // the link, not the cluster, set the rate
  };

  ProbeCluster() = default;
  ProbeCluster(uint8_t id, uint64_t targetBps) : id_(id), targetBps_(targetBps) {}

  uint8_t id() const { return id_; }
  uint64_t targetBps() const { return targetBps_; }
  uint32_t packetsSent() const { return sent_.packets; }
  uint32_t packetsReceived() const { return received_.packets; }
  uint32_t packetsLost() const { return lost_; }

  // bytes: as the link carries them (the estimator's per-packet overhead included).
  void onSent(int64_t sendUs, size_t bytes);
  void onLost() { ++lost_; }
  void onReceived(int64_t arrivalUs, size_t bytes);
  // Every packet sent has been reported, received or lost.
  bool reported() const { return sent_.packets > 0 && received_.packets + lost_ >= sent_.packets; }
  // What the cluster says of the link, from what has been reported; nullopt when that is too little.
  std::optional<Result> result() const;

 private:
  struct Span {
    int64_t firstUs = 0;
    int64_t lastUs = 0;
    size_t bytes = 0;
    size_t firstBytes = 0;
    size_t lastBytes = 0;
    uint32_t packets = 0;
    void add(int64_t us, size_t size);
  };

  uint8_t id_ = 0;
  uint64_t targetBps_ = 0;
  Span sent_;
  Span received_;
  uint32_t lost_ = 0;
};

}  // namespace rooms::rtc
