#pragma once
// What REMB tells one publisher it may send, from one subscriber's estimate of its link. A browser applies
// REMB to everything it sends on the transport, its own audio included, so only what other sources send
// this subscriber is kept out: their audio at a fixed reserve each (a subscriber's estimate covers all it
// receives), and the rest is split over the subscriber's video streams, this publisher getting the part of
// its own videos. Taking the publisher's own audio off as well had its browser take it off twice, and held
// its video near the estimate less 100 kbit/s: a third of a 300 kbit/s link left unused.
#include <cstdint>

namespace rooms::rtc {

struct RembShare {
  // Opus at the rates browsers send, with packet overhead.
  static constexpr uint64_t kAudioReserveBps = 48'000;

  uint64_t otherAudioStreams = 0;  // audio this subscriber receives from other sources (publishers, the orb)
  uint64_t videoStreams = 0;       // all video this subscriber receives
  uint64_t publisherVideoStreams = 0;  // of those, the publisher's

  // Bits per second for all the publisher sends; at most estimate. Other sources' audio never takes more
  // than half of it.
  uint64_t of(uint64_t estimate) const;
};

}  // namespace rooms::rtc
