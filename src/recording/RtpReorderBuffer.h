#pragma once
// Puts one RTP stream's packets back in sequence order for the depacketizer: networks reorder, and a
// retransmission asked for by NACK arrives well after the packets around it. A missing packet is waited for
// at most maxWaitMs (or until the buffer fills), then given up and reported as lost, so that one loss costs
// the recording a frame instead of stalling it.
//
// Sequence numbers are unwrapped to 64-bit indices against the newest packet, so the 16-bit wrap needs no
// special case; a packet's slot is its index modulo the capacity. Payloads are copied into storage allocated
// once at construction. Not thread-safe: one recorder thread owns it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "recording/RtpInput.h"

namespace rooms::recording {

class RtpReorderBuffer {
 public:
  static constexpr size_t kMaxPayload = 1280;
  // 8192 slots of kMaxPayload are 10 MiB: more reordering than any network produces.
  static constexpr size_t kMaxCapacity = 8192;
  // A packet at most this far behind the last released one is a late copy and dropped; further back, the
  // sender has restarted its numbering and the stream starts over from it. NACK gives up after 1.5 s, so real
  // retransmissions are never this late, and a restart is not mistaken for lateness for long.
  static constexpr int64_t kMaxLateDistance = 8192;

  // capacity: packets held at most (rounded up to a power of two; slots preallocated, no allocation after
  // construction). maxWaitMs: how long a missing packet is waited for, measured on arrivalMs of later
  // packets.
  RtpReorderBuffer(size_t capacity, int64_t maxWaitMs);

  struct Released {
    RtpInput packet;      // payload valid until the next push() or pop()
    uint32_t lostBefore;  // sequence numbers given up for between the previous released packet and this one
  };

  // Stores a copy. Duplicates, packets older than the last released one, and payloads > kMaxPayload are
  // dropped and counted. A packet far ahead (capacity or more past the next expected, or further back than
  // kMaxLateDistance) flushes: everything held is released in order first (with gaps), then it starts over
  // from the new packet, whose lostBefore is then its distance (mod 2^16) from the last one before it.
  void push(const RtpInput& packet);
  // The common case without a copy: when nothing is held and packet is the next one in order (or the
  // stream's first), it is released at once, its payload still the caller's. Otherwise nullopt, and the
  // caller push()es it.
  std::optional<Released> passThrough(const RtpInput& packet);
  // The next packet in order when it is there; or, when the next expected one is missing, the next held one
  // once the oldest held packet has waited maxWaitMs (nowMs is the steady clock) or the buffer is full (no
  // packet but the missing one would fit).
  std::optional<Released> pop(int64_t nowMs);
  // Releases whatever is held, in order, ignoring the wait (end of a recording).
  std::optional<Released> drain();

  uint64_t duplicates() const { return duplicates_; }
  uint64_t late() const { return late_; }
  uint64_t oversized() const { return oversized_; }
  // Packets dropped because a flush found every slot taken: the caller pushed capacity packets without
  // popping.
  uint64_t overflows() const { return overflows_; }
  // Times the stream started over from a packet far ahead or far behind.
  uint64_t restarts() const { return restarts_; }
  size_t held() const { return held_; }
  size_t capacity() const { return slots_.size(); }

 private:
  struct Slot {
    int64_t index = -1;  // unwrapped sequence number held; -1 when free
    size_t storage = 0;  // which kMaxPayload block of storage_ holds the payload; moves with the slot
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
    bool marker = false;
    int64_t arrivalMs = 0;
    size_t size = 0;
  };

  Slot& slotFor(int64_t index) { return slots_[static_cast<size_t>(index) & mask_]; }
  const Slot& slotFor(int64_t index) const { return slots_[static_cast<size_t>(index) & mask_]; }
  bool holds(int64_t index) const { return slotFor(index).index == index; }
  void store(int64_t index, const RtpInput& packet);
  void restart(const RtpInput& packet);
  void compact();
  Released release(int64_t index);
  int64_t firstHeld() const;
  int64_t oldestArrivalMs();

  std::vector<Slot> slots_;
  std::vector<uint8_t> storage_;
  size_t mask_ = 0;
  int64_t maxWaitMs_ = 0;

  bool started_ = false;
  int64_t next_ = 0;  // index of the next packet to release; every held index is in [next_, next_ + capacity)
  // The newest packet of the current numbering: new sequence numbers are unwrapped against it.
  int64_t newestIndex_ = 0;
  uint16_t newestSequence_ = 0;
  uint16_t lastReleasedSequence_ = 0;
  size_t held_ = 0;
  // Earliest arrival among the held packets; cleared when a release may have removed it, found again lazily.
  std::optional<int64_t> oldestArrivalMs_;

  uint64_t duplicates_ = 0;
  uint64_t late_ = 0;
  uint64_t oversized_ = 0;
  uint64_t overflows_ = 0;
  uint64_t restarts_ = 0;
};

}  // namespace rooms::recording
