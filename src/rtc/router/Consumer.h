#pragma once
// One published track as one subscriber receives it. The router builds each outgoing packet here: our SSRC,
// a sequence number and timestamp continuous across pauses and source switches (RtpStreamRewriter), the
// subscriber's payload type, and a header extension block rewritten to the subscriber's ids and mid, so two
// browsers that numbered their extensions differently still understand each other. Sent packets are kept
// for NACKs. Media thread only; no allocation per packet.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "rtc/WebRtcTransport.h"
#include "rtc/router/TrackSpec.h"
#include "rtc/rtcp/SenderReport.h"
#include "rtc/rtp/RtpPacket.h"
#include "rtc/rtp/RtpRetransmissionBuffer.h"
#include "rtc/rtp/RtpStreamRewriter.h"
#include "rtc/rtp/RttEstimator.h"

namespace rooms::rtc {

class Producer;

class Consumer {
 public:
  // About a second of 1-2 Mbit/s video (256 KiB: 2 s at 1 Mbit/s, 0.8 s at the default 2.5 Mbit/s cap); NACKs
  // for older packets would arrive too late to help anyway.
  static constexpr size_t kVideoHistoryPackets = 256;
  static constexpr size_t kVideoHistoryBytes = 256 * 1024;
  static constexpr double kRetransmitBytesPerSecond = 2'000'000 / 8.0;
  static constexpr double kRetransmitBurstBytes = 96 * 1024;

  Consumer(ConsumerSpec spec, WebRtcTransport& transport, Producer* producer);

  const ConsumerSpec& spec() const { return spec_; }
  WebRtcTransport& transport() { return transport_; }
  Producer* producer() const { return producer_; }
  void setProducer(Producer* producer);

  // Writes the subscriber's copy of `in` (with the publisher's extension ids inIds) to out. twccSeq is this
  // transport's next transport-wide sequence number, used when the subscriber negotiated that extension;
  // absSendTime (6.18 fixed-point seconds, 24 bits) is our send time for abs-send-time, so the subscriber's
  // REMB estimate measures our link to it, not the publisher's, and never sees a resend's stale time.
  // Returns the size, or 0 when the packet is not forwarded (padding only, or older than the current source).
  size_t rewrite(const RtpPacket& in, const RtpHeaderExtensionIds& inIds, uint8_t* out, size_t capacity,
                 int64_t nowMs, uint16_t twccSeq, uint32_t absSendTime);
  // Writes a padding-only packet on our RTX stream (a bandwidth probe: the subscriber's browser counts it
  // for its transport-cc feedback and drops it) with paddingBytes of padding (1-255). Returns the size, 0
  // without an RTX stream or when out is too small.
  size_t writePadding(uint8_t* out, size_t capacity, int64_t nowMs, uint16_t twccSeq, uint32_t absSendTime,
                      uint8_t paddingBytes);
  // Remembers a packet just written (before encryption) for retransmission. answersNack: it is a repair the
  // subscriber may be NACKing already, so a NACK within the resend interval is not answered again.
  void onSent(const uint8_t* data, size_t size, int64_t nowMs, bool answersNack = false);
  // The stored packet with our sequence number seq for answering a NACK: empty when gone, never sent, or
  // resent less than about a round trip ago.
  std::span<const uint8_t> retransmission(uint16_t seq, int64_t nowMs);
  // The stored packet, for the pacer to send when due; empty when gone.
  std::span<const uint8_t> stored(uint16_t seq, int64_t nowMs) const;
  bool keepsHistory() const { return history_ != nullptr; }
  // Takes size bytes from the subscriber's retransmission budget (a token bucket of
  // kRetransmitBytesPerSecond, kRetransmitBurstBytes deep); false when it is spent. Bounds what a NACK storm,
  // or a receiver lying about loss, can make us send.
  bool takeRetransmissionBudget(size_t size, int64_t nowMs);
  // The next sequence number of our RTX stream.
  uint16_t nextRtxSequenceNumber() { return rtxSeq_++; }

  // Our SR for this stream at nowMs; false before the first packet.
  bool senderInfo(int64_t nowMs, SenderInfo& info);
  RttEstimator& rtt() { return rtt_; }
  const RttEstimator& rtt() const { return rtt_; }

  // The subscriber's REMB for this stream, 0 when it sent none.
  uint64_t rembBitrate() const { return rembBitrate_; }
  void setRembBitrate(uint64_t bitrate) { rembBitrate_ = bitrate; }
  // Fraction lost the subscriber reported last (0..1).
  double reportedLoss() const { return reportedLoss_; }
  void setReportedLoss(double loss) { reportedLoss_ = loss; }

  uint64_t packetsSent() const { return rewriter_.packetsSent(); }
  uint64_t bytesSent() const { return rewriter_.bytesSent(); }  // payload octets, as SRs count them
  uint64_t retransmitted() const { return retransmitted_; }
  void countRetransmission() { ++retransmitted_; }

 private:
  // Our header extension elements (one-byte form) for a packet; in: the packet forwarded, null for our own.
  size_t writeExtensions(uint8_t (&ext)[64], const RtpPacket* in, const RtpHeaderExtensionIds& inIds,
                         uint16_t twccSeq, uint32_t absSendTime) const;
  // The RTP header with those elements; returns its size.
  static size_t writeHeader(uint8_t* out, bool marker, uint8_t payloadType, uint16_t seq, uint32_t timestamp,
                            uint32_t ssrc, const uint8_t* ext, size_t extSize);

  ConsumerSpec spec_;
  WebRtcTransport& transport_;
  Producer* producer_;
  RtpStreamRewriter rewriter_;
  std::unique_ptr<RtpRetransmissionBuffer> history_;  // video only: browsers do not NACK Opus
  RttEstimator rtt_;
  uint64_t rembBitrate_ = 0;
  double reportedLoss_ = 0;
  uint64_t retransmitted_ = 0;
  uint16_t rtxSeq_ = 0;
  double budgetBytes_ = kRetransmitBurstBytes;
  int64_t budgetAtMs_ = 0;
};

}  // namespace rooms::rtc
