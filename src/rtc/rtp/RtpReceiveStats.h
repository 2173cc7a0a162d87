#pragma once
// Receiver-side statistics of one incoming RTP stream, as RFC 3550 appendix A computes them: the extended
// highest sequence number and loss (A.1, A.3), interarrival jitter (A.8), and the LSR/DLSR pair that lets
// the sender measure the round trip. The SFU keeps one per published track and turns it into the report
// blocks of its RTCP RR; everything is plain arithmetic on members because onPacket() runs for every packet.
//
// Unlike A.1 there is no probation: WebRTC senders are known peers behind ICE and DTLS, so the first packet
// is trusted. Duplicates count as received, which is why cumulative loss can go negative (RFC 3550 6.4.1).
#include <cstddef>
#include <cstdint>

#include "rtc/rtcp/ReportBlock.h"

namespace rooms::rtc {

class RtpReceiveStats {
 public:
  // A.1: a jump of at most kMaxDropout ahead is loss; up to kMaxMisorder behind is reordering; anything
  // else is a restart of the sender's sequence, accepted once two packets in a row agree on it.
  static constexpr uint16_t kMaxDropout = 3000;
  static constexpr uint16_t kMaxMisorder = 100;

  explicit RtpReceiveStats(uint32_t clockRate);

  void onPacket(uint16_t seq, uint32_t rtpTimestamp, int64_t arrivalMs, size_t bytes);
  // `ntp` is the 64-bit NTP time of the sender's SR; `nowMs` when it arrived (our monotonic clock).
  void onSenderReport(uint64_t ntp, uint32_t rtpTimestamp, int64_t nowMs);

  // The report block for the next RR/SR. Not const: the fraction lost covers the interval since the
  // previous call (A.3 expected_prior/received_prior), so call it once per report sent.
  ReportBlock reportBlock(uint32_t ssrc, int64_t nowMs);

  // Every packet handed to onPacket(), including duplicates and ones A.1 rejected as a sequence jump.
  uint64_t packetsReceived() const { return packetsReceived_; }
  uint64_t bytesReceived() const { return bytesReceived_; }
  // expected - received since the first packet (or the last sequence restart), unclamped; can be negative.
  int64_t cumulativeLost() const;
  // cycles << 16 | highest sequence number, truncated to the 32 bits of the RTCP field.
  uint32_t extendedHighestSeq() const { return static_cast<uint32_t>(cycles_ + maxSeq_); }
  // A.8 interarrival jitter in RTP timestamp units.
  uint32_t jitter() const { return static_cast<uint32_t>(jitter_ + 0.5); }
  double jitterMs() const { return clockRate_ == 0 ? 0.0 : jitter_ * 1000.0 / clockRate_; }
  // Overall fraction of expected packets that never arrived, 0..1.
  double lossRatio() const;

  bool hasPackets() const { return started_; }
  uint32_t clockRate() const { return clockRate_; }
  // The last SR, for lip sync (RTP timestamp to sender wall clock); 0 before the first.
  uint64_t lastSenderReportNtp() const { return lastSrNtp_; }
  uint32_t lastSenderReportRtpTimestamp() const { return lastSrRtpTimestamp_; }

 private:
  void initSequence(uint16_t seq);
  void updateJitter(uint32_t rtpTimestamp, int64_t arrivalMs);
  int64_t expected() const;

  uint32_t clockRate_;
  bool started_ = false;

  // A.1 state. cycles_ counts wraps times 65536 in 64 bits so that expected() cannot overflow even after
  // the 32-bit extended sequence field has itself wrapped.
  uint16_t maxSeq_ = 0;
  uint32_t badSeq_ = kNoBadSeq;
  uint64_t cycles_ = 0;
  uint32_t baseSeq_ = 0;
  uint64_t received_ = 0;
  int64_t expectedPrior_ = 0;
  uint64_t receivedPrior_ = 0;
  static constexpr uint32_t kNoBadSeq = 0x10001;  // RTP_SEQ_MOD + 1: matches no sequence number

  // A.8 state.
  bool hasTransit_ = false;
  uint32_t lastTransit_ = 0;
  double jitter_ = 0;

  uint64_t packetsReceived_ = 0;
  uint64_t bytesReceived_ = 0;

  bool hasSenderReport_ = false;
  uint64_t lastSrNtp_ = 0;
  uint32_t lastSrRtpTimestamp_ = 0;
  int64_t lastSrArrivalMs_ = 0;
};

}  // namespace rooms::rtc
