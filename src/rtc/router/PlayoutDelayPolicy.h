#pragma once
// How long subscribers of one published video should buffer before playing it. A subscriber's jitter
// buffer sizes itself from the jitter and the round trip it sees, which is its own short hop to the router;
// when the publisher's uplink loses packets, the repairs come one uplink round trip (plus the NACK) late,
// and a buffer sized for the short hop gives up on those frames and freezes. A direct call does not have
// this problem because there the receiver's round trip is the lossy one. So while the publisher's loss is
// above kLossyRatio, the subscribers are told to hold at least about 1.5 uplink round trips plus a margin;
// kHoldMs after the loss stops, the floor goes back to 0. The figure reaches the pages with the `quality`
// signaling frame, and the room page sets it as its receivers' jitterBufferTarget: Chromium 156 ignores the
// playout-delay RTP header extension on what it receives (tried: the jitter buffer stayed at its own size).
#include <cstdint>

namespace rooms::rtc {

class PlayoutDelayPolicy {
 public:
  static constexpr double kLossyRatio = 0.005;
  static constexpr int64_t kHoldMs = 10'000;
  static constexpr uint32_t kMarginMs = 40;
  // Beyond this a conversation suffers more from the delay than the picture gains.
  static constexpr uint32_t kMaxDelayMs = 400;
  static constexpr int64_t kDefaultRttMs = 100;

  // About once a second, with the publisher's cumulative counts of sequence numbers found missing and of
  // packets received, and its round trip (<= 0: unknown).
  void update(uint64_t packetsMissing, uint64_t packetsReceived, int64_t publisherRttMs, int64_t nowMs);
  uint32_t minDelayMs() const { return minDelayMs_; }

 private:
  uint64_t lastMissing_ = 0;
  uint64_t lastReceived_ = 0;
  int64_t lossyAtMs_ = 0;
  uint32_t minDelayMs_ = 0;
};

}  // namespace rooms::rtc
