#pragma once
// What REMB tells one publisher it may send, from one subscriber's estimate of its link. A browser applies
// REMB to everything it sends on the transport, its own audio included, so only what other sources send
// this subscriber is kept out: their audio at a fixed reserve each (a subscriber's estimate covers all it
// receives), and the rest is split over the subscriber's video streams, this publisher getting the part of
// its own videos. Taking the publisher's own audio off as well had its browser take it off twice, and held
// its video near the estimate less 100 kbit/s: a third of a 300 kbit/s link left unused.
//
// Audio that reaches the subscriber as RED (RFC 2198) carries each Opus frame twice. A browser budgets its
// Opus encoder, not the redundant copy, so its own RED audio goes over what REMB allows by about the Opus
// rate; left in, that excess kept a 300 kbit/s downlink overfull (20-30% loss) at the start of every call.
// Each RED stream the subscriber receives, own or other, takes kRedundancyBps off.
#include <cstdint>

namespace rooms::rtc {

struct RembShare {
  // Opus at the rates browsers send, with packet overhead.
  static constexpr uint64_t kAudioReserveBps = 48'000;
  // One redundant copy of Opus at the rate browsers encode speech (libwebrtc: 32 kbit/s), no headers of its
  // own.
  static constexpr uint64_t kRedundancyBps = 32'000;

  uint64_t otherAudioStreams = 0;  // audio this subscriber receives from other sources (publishers, the orb)
  uint64_t videoStreams = 0;       // all video this subscriber receives
  uint64_t publisherVideoStreams = 0;  // of those, the publisher's
  uint64_t redAudioStreams = 0;        // audio this subscriber receives as RED, the publisher's own included

  // Bits per second for all the publisher sends; at most estimate. Audio never takes more than half of it.
  uint64_t of(uint64_t estimate) const;
};

}  // namespace rooms::rtc
