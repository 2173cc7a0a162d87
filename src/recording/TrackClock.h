#pragma once
// Puts one RTP stream's timestamps on the media thread's steady clock. RTP timestamps of different streams
// share no origin; a sender report (RFC 3550 6.4.1) ties a stream's timestamp to the sender's NTP clock,
// which all streams of one sender share, so audio and video mapped through their reports line up as they
// were captured. Before a stream's first report its first packet's arrival is the best guess. Recorder
// thread only.
#include <cstdint>
#include <optional>

namespace rooms::recording {

class TrackClock {
 public:
  explicit TrackClock(uint32_t clockRate);

  // Timestamps are unwrapped against the previous one, so an hour-long track keeps counting past 2^32.
  int64_t unwrap(uint32_t timestamp);
  void onPacket(uint32_t timestamp, int64_t arrivalMs);
  void onSenderReport(uint64_t ntp, uint32_t timestamp);
  bool hasSenderReport() const { return report_.has_value(); }

  // The sender's NTP time in ms of timestamp; nullopt before a report.
  std::optional<int64_t> senderMs(uint32_t timestamp);
  // Steady ms of timestamp by the first packet's arrival; nullopt before any packet.
  std::optional<int64_t> arrivalMs(uint32_t timestamp);

  // NTP (32.32 fixed point) to ms.
  static int64_t ntpToMs(uint64_t ntp);

 private:
  struct Anchor {
    int64_t timestamp = 0;  // unwrapped
    int64_t ms = 0;
  };
  int64_t toMs(int64_t ticks) const;

  uint32_t clockRate_;
  std::optional<uint32_t> last_;
  int64_t cycles_ = 0;
  std::optional<Anchor> report_;
  std::optional<Anchor> arrival_;
};

}  // namespace rooms::recording
