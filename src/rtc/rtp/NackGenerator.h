#pragma once
// Loss detection on one received video stream (the publisher's leg), in the manner of RFC 4585: a gap in
// sequence numbers puts the missing numbers on a list; each is asked for (generic NACK) at once, then again
// about once per round trip while it may still help, and given up after kMaxRetries requests or kMaxAgeMs.
// A give-up means the decoder downstream will stall on a broken reference chain, so the generator then
// drops the whole list and says a key frame is needed: one key frame repairs every gap before it, and asking
// for the packets behind it would only cause another key frame request later.
//
// Nothing allocates after construction; a gap wider than the list (a burst of kCapacity packets, or a
// publisher that jumped its sequence numbers) is treated as unrepairable at once. Media thread only.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rooms::rtc {

class NackGenerator {
 public:
  static constexpr size_t kCapacity = 512;
  static constexpr uint32_t kMaxRetries = 10;
  // Older than this a retransmission arrives after the frame was due: a key frame serves better.
  static constexpr int64_t kMaxAgeMs = 1500;
  // Until the first RTT measurement; also the floor and ceiling of the retry interval, so a wrong
  // measurement can neither flood the publisher nor stop the retries.
  static constexpr int64_t kDefaultRttMs = 100;
  static constexpr int64_t kMinRetryMs = 20;
  static constexpr int64_t kMaxRetryMs = 500;

  struct Counters {
    uint64_t packetsMissing = 0;    // sequence numbers that went on the list
    uint64_t packetsRecovered = 0;  // of those, arrived later (retransmission or reordering)
    uint64_t packetsGivenUp = 0;    // dropped from the list unrepaired
    uint64_t nacksRequested = 0;    // sequence numbers asked for, retries included
    uint64_t keyFramesNeeded = 0;
  };

  // What one arrival did to the list.
  enum class Arrival : uint8_t {
    InOrder,    // the next packet, or the first one
    Gap,        // newer than expected: the numbers in between are now missing
    Recovered,  // one that was missing
    Duplicate,  // older and not missing: a copy, or a retransmission we did not ask for
    Reset,      // a jump too large to repair: list cleared, key frame needed
  };

  Arrival onPacket(uint16_t seq, int64_t nowMs);

  // Writes to out the sequence numbers to ask for now (in sequence order, at most out.size()) and records
  // the request; entries past their retries or age are given up first. rttMs <= 0 means unknown.
  size_t collect(int64_t nowMs, int64_t rttMs, std::span<uint16_t> out);

  // True once after a give-up or a reset; the caller sends a (rate-limited) key frame request.
  bool takeKeyFrameNeeded() {
    const bool needed = keyFrameNeeded_;
    keyFrameNeeded_ = false;
    return needed;
  }
  // Whether any sequence number is on the list (cheap: for deciding to call collect()).
  bool pending() const { return count_ != 0; }
  size_t missingCount() const { return count_; }
  const Counters& counters() const { return counters_; }

 private:
  struct Entry {
    uint16_t seq = 0;
    uint8_t retries = 0;
    int64_t addedMs = 0;
    int64_t lastRequestMs = 0;
  };

  void giveUpAll();
  void remove(size_t index);

  // Entries in sequence order (oldest first); count_ of them are live.
  std::array<Entry, kCapacity> entries_{};
  size_t count_ = 0;
  bool started_ = false;
  uint16_t highest_ = 0;
  bool keyFrameNeeded_ = false;
  Counters counters_;
};

}  // namespace rooms::rtc
