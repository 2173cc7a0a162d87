#pragma once
// Per subscriber and outgoing stream: rewrites sequence numbers and timestamps so that the subscriber sees
// one continuous RTP stream while the SFU pauses it, resumes it, or switches it to another source (another
// incoming SSRC, as when a screen share replaces a camera). A receiver's jitter buffer and NACK logic treat
// a sequence jump as loss and a timestamp jump as a long stall, so each new source segment continues right
// after the last packet sent: seq + 1, and the timestamp advanced by the wall time that really passed.
//
// Within a segment the mapping is a pair of fixed offsets, so reordered packets and retransmissions map to
// the same numbers as the first time. Packets from before the segment are dropped: their outgoing numbers
// would collide with those already used for the previous segment.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace rooms::rtc {

class RtpStreamRewriter {
 public:
  struct Mapped {
    uint16_t seq;
    uint32_t timestamp;
  };

  explicit RtpStreamRewriter(uint32_t clockRate = 90000) : clockRate_(clockRate) {}

  // The next packet starts a new segment from a source with this clock rate. Does not change pause().
  // Until that packet arrives, reverseSeq() still maps into the previous segment.
  void switchSource(uint32_t clockRate);
  // While paused map() drops everything; resume() continues with switchSource semantics and the same rate.
  void pause() { paused_ = true; }
  void resume();
  bool paused() const { return paused_; }

  // The outgoing seq/timestamp for an incoming packet, or nullopt to drop it (paused, or older than the
  // start of the current segment).
  std::optional<Mapped> map(uint16_t inSeq, uint32_t inTimestamp, int64_t nowMs);
  // The incoming seq of an outgoing one the subscriber NACKed, nullopt when it was not sent in the current
  // segment (before it, or not sent yet).
  std::optional<uint16_t> reverseSeq(uint16_t outSeq) const;

  void onSent(size_t bytes) {
    ++packetsSent_;
    bytesSent_ += bytes;
  }
  uint64_t packetsSent() const { return packetsSent_; }
  uint64_t bytesSent() const { return bytesSent_; }

  // The highest outgoing seq/timestamp so far and when it was mapped; an SR needs the RTP time "now",
  // which rtpTimestampAt() extrapolates from them.
  bool started() const { return started_; }
  uint16_t lastSeq() const { return lastOutSeq_; }
  uint32_t lastTimestamp() const { return lastOutTimestamp_; }
  int64_t lastMappedMs() const { return lastMappedMs_; }
  uint32_t rtpTimestampAt(int64_t nowMs) const;
  uint32_t clockRate() const { return clockRate_; }

 private:
  uint32_t clockRate_;
  bool started_ = false;    // any packet mapped yet
  bool newSegment_ = true;  // the next packet starts a segment
  bool paused_ = false;

  // out = in + offset (mod 2^16 / 2^32) within the current segment.
  uint16_t seqOffset_ = 0;
  uint32_t timestampOffset_ = 0;
  // The segment's newest incoming seq, and how many sequence numbers past the segment's first it is, which
  // makes "before the segment" exact however long the segment runs.
  uint16_t highestInSeq_ = 0;
  int64_t highestInSegment_ = 0;

  uint16_t lastOutSeq_ = 0;
  uint32_t lastOutTimestamp_ = 0;
  int64_t lastMappedMs_ = 0;

  uint64_t packetsSent_ = 0;
  uint64_t bytesSent_ = 0;
};

}  // namespace rooms::rtc
