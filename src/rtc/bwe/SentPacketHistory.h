#pragma once
// What the router sent to one subscriber, by transport-wide sequence number: the send time and size that
// the subscriber's transport-cc feedback is matched against. A fixed ring, so nothing allocates per packet;
// feedback for a packet older than the ring (seconds at any real rate) finds nothing and is ignored.
// Media thread only.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace rooms::rtc {

class SentPacketHistory {
 public:
  // A power of two (the index is the low bits of the number): 2 s at 1000 packets/s, several times the
  // feedback delay even then. 16 bytes an entry, 32 KiB per subscriber.
  static constexpr size_t kCapacity = 2048;

  struct Entry {
    int64_t sendUs = 0;
    uint16_t size = 0;      // bytes on the wire, as the estimator counts them
    uint16_t sequence = 0;  // to tell this packet from the one kCapacity numbers earlier
    bool valid = false;
    bool acknowledged = false;  // reported received once: a repeated report must not count twice
    uint8_t probeCluster = 0;   // the ProbeController cluster it belongs to, 0 for media
  };

  void onSent(uint16_t sequence, int64_t sendUs, size_t size, uint8_t probeCluster = 0) {
    Entry& e = entries_[sequence & (kCapacity - 1)];
    e.sendUs = sendUs;
    e.size = static_cast<uint16_t>(std::min<size_t>(size, UINT16_MAX));
    e.sequence = sequence;
    e.valid = true;
    e.acknowledged = false;
    e.probeCluster = probeCluster;
  }

  // The packet sent with this number, or null when it was never sent or has been overwritten.
  Entry* find(uint16_t sequence) {
    Entry& e = entries_[sequence & (kCapacity - 1)];
    return e.valid && e.sequence == sequence ? &e : nullptr;
  }

 private:
  std::array<Entry, kCapacity> entries_{};
};

}  // namespace rooms::rtc
