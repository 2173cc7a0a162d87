#pragma once
// Spreads what the router sends one subscriber over time, at a little above our estimate of its link. A key
// frame arrives from a publisher on a clean uplink as one burst of tens of kilobytes; sent on at once into a
// slow downlink it overflows the bottleneck's queue, and the frame is late by a round of NACKs: a freeze.
// Paced, it reaches the bottleneck about as fast as the bottleneck drains.
//
// Nothing is copied: a queued entry names a packet already kept in its consumer's retransmission history
// (stream SSRC and sequence number), which the router fetches, stamps and encrypts when the entry is due.
// Audio is never queued (it is small and late audio is lost audio) but takes its share of the budget;
// retransmissions queue ahead of media. The queue is bounded in time as well as in entries: a backlog is
// sent within kMaxQueueUs even when the estimate says the link cannot take it, because a stale estimate must
// not turn into seconds of delay.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rooms::rtc {

class Pacer {
 public:
  struct Entry {
    uint32_t ssrc = 0;  // the consumer's stream, as the subscriber sees it
    uint16_t seq = 0;   // in that stream
    uint16_t size = 0;  // bytes, before encryption
  };
  struct Due {
    Entry entry;
    bool retransmission = false;
  };

  // A second of 720p video at the rates we pace is about 200 packets; the time bound empties the queue long
  // before it fills.
  static constexpr size_t kMediaCapacity = 256;
  static constexpr size_t kRetransmissionCapacity = 64;
  // Pacing rate over the estimate. libwebrtc paces at 2.5x, from the encoder, whose output follows its
  // estimate. Here the publisher's encoder follows the lowest share we announce (REMB), so what we forward
  // averages below the estimate and only its bursts meet the pacer: a 30 kB key frame paced at 2.5x, or
  // even 1.5x, an estimate just under a 600 kbit/s bottleneck still overflows its 10 kB drop-tail queue;
  // at 1.25x it does not (PacerTest). The queue bound below keeps the low factor from adding more than a
  // key frame's worth of delay when the estimate lags.
  static constexpr double kPacingFactor = 1.25;
  static constexpr int64_t kMaxQueueUs = 400'000;
  // Never slower than a little above what was offered over the last second. The pacer's job is the bursts;
  // the average rate is the publisher's encoder's, which follows our REMB within a second or two. Holding a
  // steady stream to an estimate that just dropped (often below what the link carries: delay-based
  // estimates swing) would queue it up to kMaxQueueUs, and a frame that much late is a freeze (bench-quality
  // cap300k: 5-11 freezes on the downlink, none with this floor).
  static constexpr double kOfferedFactor = 1.1;
  static constexpr int64_t kRateWindowUs = 1'000'000;
  // Unused budget is kept for this long, so a packet after a pause goes out at once, but an idle second does
  // not become a burst.
  static constexpr int64_t kBurstUs = 10'000;
  static constexpr size_t kMinBurstBytes = 1'500;

  // Bits per second the link is estimated to carry.
  void setEstimate(uint64_t bps);
  uint64_t pacingBps() const { return pacingBps_; }
  // What was offered (sent or queued) over the last whole window, bits per second.
  uint64_t offeredBps() const { return offeredBps_; }

  // Whether a packet of size bytes may go out now, ahead of the queue; takes its budget when it may.
  bool trySend(size_t size, int64_t nowUs);
  // Something sent regardless of the budget (audio): the budget goes into debt.
  void onSentUnpaced(size_t size, int64_t nowUs);
  // False when that queue is full: the caller sends the packet unpaced.
  bool enqueue(const Entry& entry, int64_t nowUs) { return media_.push(entry, nowUs, queuedBytes_); }
  bool enqueueRetransmission(const Entry& entry, int64_t nowUs) {
    return retransmissions_.push(entry, nowUs, queuedBytes_);
  }
  // The next entry that is due (retransmissions first), its budget taken; nothing when both queues are
  // empty or the budget is spent.
  std::optional<Due> next(int64_t nowUs);

  bool empty() const { return media_.empty() && retransmissions_.empty(); }
  size_t size() const { return media_.size() + retransmissions_.size(); }
  size_t queuedBytes() const { return queuedBytes_; }
  // How long the oldest entry has waited, 0 when empty.
  int64_t oldestWaitUs(int64_t nowUs) const;

 private:
  struct Slot {
    Entry entry;
    int64_t queuedUs = 0;
  };
  // A FIFO of preallocated slots.
  template <size_t N>
  class Ring {
   public:
    bool push(const Entry& entry, int64_t nowUs, size_t& bytes) {
      if (count_ == N) return false;
      slots_[(head_ + count_++) % N] = {entry, nowUs};
      bytes += entry.size;
      return true;
    }
    Entry pop(size_t& bytes) {
      const Entry entry = slots_[head_].entry;
      head_ = (head_ + 1) % N;
      --count_;
      bytes -= entry.size;
      return entry;
    }
    const Slot& front() const { return slots_[head_]; }
    bool empty() const { return count_ == 0; }
    size_t size() const { return count_; }

   private:
    std::array<Slot, N> slots_{};
    size_t head_ = 0;
    size_t count_ = 0;
  };

  void refill(int64_t nowUs);
  void offer(size_t size, int64_t nowUs);
  // Bytes per microsecond: the pacing rate, or faster when that would keep the oldest entry past
  // kMaxQueueUs.
  double drainRate(int64_t nowUs) const;

  Ring<kMediaCapacity> media_;
  Ring<kRetransmissionCapacity> retransmissions_;
  size_t queuedBytes_ = 0;
  uint64_t pacingBps_ = 0;  // 0: not paced until an estimate is set
  uint64_t offeredBps_ = 0;
  uint64_t windowBytes_ = 0;
  int64_t windowStartUs_ = -1;
  double budgetBytes_ = 0;
  int64_t budgetAtUs_ = 0;
  bool started_ = false;
};

}  // namespace rooms::rtc
