#include "rtc/router/Consumer.h"

#include <algorithm>
#include <cstring>

#include "rtc/router/Producer.h"
#include "rtc/rtp/ByteIo.h"
#include "rtc/rtp/RedPacket.h"
#include "rtc/rtp/RtpTime.h"

namespace rooms::rtc {

Consumer::Consumer(ConsumerSpec spec, WebRtcTransport& transport, Producer* producer)
    : spec_(std::move(spec)),
      transport_(transport),
      producer_(producer),
      // Any start will do for RFC 4588; one derived from the SSRC keeps runs reproducible.
      rtxSeq_(static_cast<uint16_t>(spec_.rtxSsrc.value_or(0) * 2654435761u >> 16)) {
  if (spec_.kind == MediaKind::Video) {
    history_ = std::make_unique<RtpRetransmissionBuffer>(kVideoHistoryPackets, 1000, kVideoHistoryBytes);
  }
  rewriter_.switchSource(spec_.clockRate);
}

void Consumer::setProducer(Producer* producer) {
  if (producer == producer_) return;
  producer_ = producer;
  // A different source continues our stream: the subscriber's decoder must not see a jump.
  rewriter_.switchSource(spec_.clockRate);
}

size_t Consumer::writeExtensions(uint8_t (&ext)[64], const RtpPacket* in, const RtpHeaderExtensionIds& inIds,
                                 uint16_t twccSeq, uint32_t absSendTime) const {
  // Extension elements in RFC 8285 one-byte form; values over 16 bytes or ids over 14 cannot use it and
  // are left out (browsers keep these ids small).
  size_t extSize = 0;
  const auto put = [&](uint8_t id, const uint8_t* value, size_t length) {
    if (id == 0 || id > 14 || length == 0 || length > 16 || extSize + 1 + length > sizeof(ext)) return;
    ext[extSize++] = static_cast<uint8_t>((id << 4) | (length - 1));
    std::memcpy(ext + extSize, value, length);
    extSize += length;
  };
  const auto& outIds = spec_.extensions;
  put(outIds.mid, reinterpret_cast<const uint8_t*>(spec_.mid.data()), spec_.mid.size());
  if (in && outIds.audioLevel && inIds.audioLevel) {
    if (auto v = in->extension(inIds.audioLevel); v && v->size() == 1) put(outIds.audioLevel, v->data(), 1);
  }
  if (outIds.absSendTime) {
    const uint8_t ast[3] = {static_cast<uint8_t>(absSendTime >> 16), static_cast<uint8_t>(absSendTime >> 8),
                            static_cast<uint8_t>(absSendTime)};
    put(outIds.absSendTime, ast, 3);
  }
  if (outIds.transportWideCc) {
    const uint8_t seq[2] = {static_cast<uint8_t>(twccSeq >> 8), static_cast<uint8_t>(twccSeq)};
    put(outIds.transportWideCc, seq, 2);
  }
  return extSize;
}

size_t Consumer::writeHeader(uint8_t* out, bool marker, uint8_t payloadType, uint16_t seq, uint32_t timestamp,
                             uint32_t ssrc, const uint8_t* ext, size_t extSize) {
  const size_t extPadded = (extSize + 3) & ~size_t{3};
  out[0] = static_cast<uint8_t>(0x80 | (extSize ? 0x10 : 0));
  out[1] = static_cast<uint8_t>((marker ? 0x80 : 0) | (payloadType & 0x7F));
  write16(out + 2, seq);
  write32(out + 4, timestamp);
  write32(out + 8, ssrc);
  if (extSize) {
    write16(out + 12, RtpPacket::kOneByteProfile);
    write16(out + 14, static_cast<uint16_t>(extPadded / 4));
    std::memcpy(out + 16, ext, extSize);
    std::memset(out + 16 + extSize, 0, extPadded - extSize);
  }
  return RtpPacket::kFixedHeaderSize + (extSize ? 4 + extPadded : 0);
}

size_t Consumer::writePadding(uint8_t* out, size_t capacity, int64_t nowMs, uint16_t twccSeq,
                              uint32_t absSendTime, uint8_t paddingBytes) {
  if (!spec_.rtxSsrc || !spec_.rtxPayloadType || paddingBytes == 0) return 0;
  uint8_t ext[64];
  const size_t extSize = writeExtensions(ext, nullptr, {}, twccSeq, absSendTime);
  const size_t extPadded = (extSize + 3) & ~size_t{3};
  const size_t headerSize = RtpPacket::kFixedHeaderSize + (extSize ? 4 + extPadded : 0);
  if (headerSize + paddingBytes > capacity) return 0;
  writeHeader(out, false, *spec_.rtxPayloadType, nextRtxSequenceNumber(), rewriter_.rtpTimestampAt(nowMs),
              *spec_.rtxSsrc, ext, extSize);
  out[0] |= 0x20;  // padding: RFC 3550 5.1, its last octet counts the padding octets
  std::memset(out + headerSize, 0, paddingBytes - 1);
  out[headerSize + paddingBytes - 1] = paddingBytes;
  return headerSize + paddingBytes;
}

size_t Consumer::rewrite(const RtpPacket& in, const RtpHeaderExtensionIds& inIds, uint8_t* out,
                         size_t capacity, int64_t nowMs, uint16_t twccSeq, uint32_t absSendTime) {
  const auto payload = in.payload();
  if (payload.empty()) return 0;  // padding-only probes are the publisher's business, not the subscriber's
  // RED goes only to a subscriber that negotiated it; the router gives the others the unwrapped Opus.
  const ProducerSpec* from = producer_ ? &producer_->spec() : nullptr;
  const bool red = from && from->redPayloadType && in.payloadType() == *from->redPayloadType;
  if (red && !spec_.redPayloadType) return 0;
  const auto mapped = rewriter_.map(in.sequenceNumber(), in.timestamp(), nowMs);
  if (!mapped) return 0;

  uint8_t ext[64];
  const size_t extSize = writeExtensions(ext, &in, inIds, twccSeq, absSendTime);
  const size_t extPadded = (extSize + 3) & ~size_t{3};
  const size_t headerSize = RtpPacket::kFixedHeaderSize + (extSize ? 4 + extPadded : 0);
  const size_t total = headerSize + payload.size();
  if (total > capacity) return 0;

  const uint8_t payloadType = red ? *spec_.redPayloadType : spec_.payloadType;
  writeHeader(out, in.marker(), payloadType, mapped->seq, mapped->timestamp, spec_.ssrc, ext, extSize);
  std::memcpy(out + headerSize, payload.data(), payload.size());
  if (red && from->payloadType != spec_.payloadType) {
    RedPacket::rewritePayloadTypes({out + headerSize, payload.size()}, from->payloadType, spec_.payloadType);
  }
  rewriter_.onSent(payload.size());  // the router sends every packet it has rewritten
  return total;
}

void Consumer::onSent(const uint8_t* data, size_t size, int64_t nowMs, bool answersNack) {
  if (history_) history_->store(read16(data + 2), data, size, nowMs, answersNack);
}

std::span<const uint8_t> Consumer::retransmission(uint16_t seq, int64_t nowMs) {
  if (!history_) return {};
  // A receiver NACKs again after its own RTT estimate; ours is the same path measured from our side.
  const double rtt = rtt_.averageRttMs();
  const int64_t minInterval = std::clamp<int64_t>(rtt > 0 ? static_cast<int64_t>(rtt * 0.75) : 50, 10, 200);
  return history_->findForResend(seq, nowMs, minInterval);
}

std::span<const uint8_t> Consumer::stored(uint16_t seq, int64_t nowMs) const {
  return history_ ? history_->find(seq, nowMs) : std::span<const uint8_t>{};
}

bool Consumer::takeRetransmissionBudget(size_t size, int64_t nowMs) {
  const int64_t elapsed = elapsedMs(budgetAtMs_, nowMs);
  budgetAtMs_ = nowMs;
  budgetBytes_ = std::min(kRetransmitBurstBytes, budgetBytes_ + kRetransmitBytesPerSecond * elapsed / 1000.0);
  if (budgetBytes_ < static_cast<double>(size)) return false;
  budgetBytes_ -= static_cast<double>(size);
  return true;
}

bool Consumer::senderInfo(int64_t nowMs, SenderInfo& info) {
  if (rewriter_.packetsSent() == 0) return false;
  const uint64_t ntp = RttEstimator::toNtp(nowMs);
  info.ssrc = spec_.ssrc;
  info.ntpSeconds = static_cast<uint32_t>(ntp >> 32);
  info.ntpFraction = static_cast<uint32_t>(ntp);
  // The RTP clock runs on from the last packet sent, so receivers can align audio and video (RFC 3550 6.4.1).
  info.rtpTimestamp = rewriter_.rtpTimestampAt(nowMs);
  info.packetCount = static_cast<uint32_t>(rewriter_.packetsSent());
  info.octetCount = static_cast<uint32_t>(rewriter_.bytesSent());
  rtt_.onSenderReportSent(ntp, nowMs);
  return true;
}

}  // namespace rooms::rtc
