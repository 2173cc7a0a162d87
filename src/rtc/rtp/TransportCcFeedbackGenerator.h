#pragma once
// The receiving side of transport-wide congestion control
// (draft-holmer-rmcat-transport-wide-cc-extensions-01) for one transport: remembers when each transport-wide
// sequence number arrived and writes the feedback that lets the sender's estimator (a browser's GoogCC) see
// its own uplink: delay growth before loss, and loss itself. Without it a publisher that negotiated
// transport-cc flies blind.
//
// Every number from the last feedback on is reported once: received with its arrival time, or lost. A
// packet that comes after its feedback said lost is not reported again (the sender already counted it).
// Fixed memory; no allocation per packet. Media thread only.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "rtc/rtcp/TransportFeedback.h"

namespace rooms::rtc {

class TransportCcFeedbackGenerator {
 public:
  // Packets between two feedbacks at most; older unreported ones are dropped from the report.
  static constexpr size_t kWindow = 1024;
  // How often feedback goes out, and how many arrivals make it go out sooner (libwebrtc sends about every
  // 50-100 ms; a busy uplink gets it sooner so one packet never carries too much).
  static constexpr int64_t kIntervalMs = 50;
  static constexpr size_t kEagerPackets = 100;

  void onPacket(uint16_t transportSeq, int64_t arrivalUs);

  // Unreported packets (received or not) up to the newest arrival.
  size_t pending() const {
    return started_ && highest_ >= nextBase_ ? static_cast<size_t>(highest_ - nextBase_ + 1) : 0;
  }
  bool due(int64_t nowMs) const {
    return pending() != 0 && (nowMs - lastFeedbackMs_ >= kIntervalMs || pending() >= kEagerPackets);
  }
  // Writes one feedback packet for the oldest unreported packets; returns its size, 0 when there is nothing
  // to report. Call again while due() to send what did not fit.
  size_t write(std::span<uint8_t> out, uint32_t senderSsrc, uint32_t mediaSsrc, int64_t nowMs);

  uint64_t feedbackSent() const { return feedbackSent_; }

 private:
  struct Slot {
    int64_t seq = -1;  // unwrapped; -1 never used
    int64_t atUs = 0;
  };

  bool started_ = false;
  int64_t highest_ = 0;   // unwrapped transport-wide sequence numbers
  int64_t nextBase_ = 0;  // the first one not reported yet
  uint8_t feedbackCount_ = 0;
  int64_t lastFeedbackMs_ = 0;
  uint64_t feedbackSent_ = 0;
  std::array<Slot, kWindow> slots_{};
  std::array<TransportFeedback::Arrival, kWindow> scratch_{};
};

}  // namespace rooms::rtc
