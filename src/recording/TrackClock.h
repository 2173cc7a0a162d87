#pragma once
// Puts one RTP stream's timestamps on the media thread's steady clock. RTP timestamps of different streams
// share no origin; a sender report (RFC 3550 6.4.1) ties a stream's timestamp to the sender's NTP clock,
// which all streams of one sender share, so audio and video mapped through their reports line up as they
// were captured. Before a stream's first report its first packet's arrival is the best guess. Recorder
// thread only.
//
// Each report is one sample of the offset between the stream's clock and NTP, and browsers' samples jitter
// by several milliseconds (Chromium derives an audio report's RTP timestamp from its last capture). The
// mapping uses the median offset of the last kReportWindow reports: robust to one bad report, and it still
// follows a sender clock that drifts slowly. A report far from the rest (kDiscontinuityMs: a sender that
// restarted its clocks) starts the window over.
#include <array>
#include <cstddef>
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
  bool hasSenderReport() const { return reports_ > 0; }

  // The sender's NTP time in ms of timestamp; nullopt before a report.
  std::optional<int64_t> senderMs(uint32_t timestamp);
  // Steady ms of timestamp by the first packet's arrival; nullopt before any packet.
  std::optional<int64_t> arrivalMs(uint32_t timestamp);

  // NTP (32.32 fixed point) to ms.
  static int64_t ntpToMs(uint64_t ntp);

  static constexpr size_t kReportWindow = 9;
  static constexpr int64_t kDiscontinuityMs = 1000;

 private:
  struct Anchor {
    int64_t timestamp = 0;  // unwrapped
    int64_t ms = 0;
  };
  int64_t toMs(int64_t ticks) const;
  double medianOffset() const;

  uint32_t clockRate_;
  std::optional<uint32_t> last_;
  int64_t cycles_ = 0;
  // NTP ms minus the report's timestamp in ms, for the last reports (a ring of kReportWindow).
  std::array<double, kReportWindow> offsets_{};
  size_t reports_ = 0;  // in the window
  size_t nextSlot_ = 0;
  double offset_ = 0;  // the window's median, taken once per report rather than per frame
  std::optional<Anchor> arrival_;
};

}  // namespace rooms::recording
