#pragma once
// A single-producer single-consumer ring of RTP payloads between the media thread and a thread outside it
// (the speech pipeline reads what a microphone publishes; the recorder what every track publishes, with the
// publisher's sender reports in between; the AI Orb writes what it says). Fixed slots,
// no allocation and no lock after construction, so the media side never blocks: when the ring is full a
// push fails and is counted, the reader is the one that fell behind.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

namespace rooms::rtc {

class RtpPacketRing {
 public:
  // Opus frames are far below this; anything larger is not audio we can use.
  static constexpr size_t kMaxPayload = 1280;

  enum class SlotType : uint8_t { Media, SenderReport };

  struct Slot {
    SlotType type = SlotType::Media;
    uint64_t ntp = 0;  // SenderReport: the sender's NTP time of timestamp (its capture clock)
    int64_t atMs = 0;  // steady ms: when it arrived (tap) or when it is due to be sent (source)
    uint32_t timestamp = 0;
    uint16_t sequence = 0;
    bool marker = false;
    uint8_t audioLevel = 127;  // RFC 6464 level, 127 = silence or unknown
    uint16_t size = 0;
    std::array<uint8_t, kMaxPayload> payload{};
    std::span<const uint8_t> bytes() const { return {payload.data(), size}; }
  };

  // capacity is rounded up to a power of two.
  explicit RtpPacketRing(size_t capacity) {
    size_t n = 1;
    while (n < capacity) n <<= 1;
    slots_.resize(n);
    mask_ = n - 1;
  }
  RtpPacketRing(const RtpPacketRing&) = delete;
  RtpPacketRing& operator=(const RtpPacketRing&) = delete;

  // Producer side. False (and counted) when full or the payload does not fit.
  bool push(int64_t atMs, uint16_t sequence, uint32_t timestamp, bool marker, uint8_t audioLevel,
            std::span<const uint8_t> payload) {
    Slot* s = payload.size() <= kMaxPayload ? claim() : nullptr;
    if (!s) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    s->type = SlotType::Media;
    s->atMs = atMs;
    s->sequence = sequence;
    s->timestamp = timestamp;
    s->marker = marker;
    s->audioLevel = audioLevel;
    s->size = static_cast<uint16_t>(payload.size());
    if (!payload.empty()) std::memcpy(s->payload.data(), payload.data(), payload.size());
    publish();
    return true;
  }

  // Producer side: a sender report of the stream (RFC 3550 6.4.1), which lets the reader put the stream's
  // timestamps on the sender's clock, the one its other streams share.
  bool pushSenderReport(int64_t atMs, uint64_t ntp, uint32_t timestamp) {
    Slot* s = claim();
    if (!s) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    s->type = SlotType::SenderReport;
    s->ntp = ntp;
    s->atMs = atMs;
    s->timestamp = timestamp;
    s->size = 0;
    publish();
    return true;
  }

  // Consumer side: the oldest slot, valid until pop(); nullptr when empty.
  const Slot* front() const {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == headSeen_) {
      headSeen_ = head_.load(std::memory_order_acquire);
      if (tail == headSeen_) return nullptr;
    }
    return &slots_[tail & mask_];
  }
  void pop() { tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  size_t size() const {
    return head_.load(std::memory_order_acquire) - tail_.load(std::memory_order_acquire);
  }
  size_t capacity() const { return mask_ + 1; }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  // The free slot at head, or nullptr when the ring is full. The consumer's index is read again only when
  // the last one read says full: each side reads the other's cache line once per batch, not once per
  // packet, which on the media thread is a cache miss saved per packet.
  Slot* claim() {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head - tailSeen_ > mask_) {
      tailSeen_ = tail_.load(std::memory_order_acquire);
      if (head - tailSeen_ > mask_) return nullptr;
    }
    return &slots_[head & mask_];
  }
  void publish() { head_.store(head_.load(std::memory_order_relaxed) + 1, std::memory_order_release); }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  // The producer's line: its index, what it last saw of the consumer's, its drop count.
  alignas(64) std::atomic<size_t> head_{0};
  size_t tailSeen_ = 0;
  std::atomic<uint64_t> dropped_{0};
  // The consumer's line.
  alignas(64) std::atomic<size_t> tail_{0};
  mutable size_t headSeen_ = 0;
};

}  // namespace rooms::rtc
