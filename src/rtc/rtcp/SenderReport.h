#pragma once
// RTCP SR (RFC 3550 section 6.4.1): the sender info that lets receivers map RTP time to wall clock and
// compute RTT through LSR/DLSR, plus reception report blocks.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/ReportBlock.h"
#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

struct SenderInfo {
  uint32_t ssrc = 0;
  uint32_t ntpSeconds = 0;
  uint32_t ntpFraction = 0;
  uint32_t rtpTimestamp = 0;
  uint32_t packetCount = 0;
  uint32_t octetCount = 0;
};

class SenderReport {
 public:
  static constexpr size_t kMinSize = kRtcpHeaderSize + 24;
  static constexpr size_t kMaxReportBlocks = 31;

  static std::optional<SenderReport> parse(const RtcpPacketView& packet);

  SenderInfo senderInfo() const;
  uint32_t ssrc() const { return read32(body_.data()); }
  size_t reportCount() const { return reportCount_; }
  ReportBlock reportBlock(size_t index) const;  // index < reportCount()
  // Profile-specific extensions after the report blocks, left uninterpreted.
  std::span<const uint8_t> extension() const { return body_.subspan(24 + reportCount_ * ReportBlock::kSize); }

  // Serializes an SR into `out`; returns bytes written, or 0 if it does not fit or has too many blocks.
  static size_t write(std::span<uint8_t> out, const SenderInfo& info, std::span<const ReportBlock> blocks);

 private:
  SenderReport(std::span<const uint8_t> body, size_t reportCount) : body_(body), reportCount_(reportCount) {}

  std::span<const uint8_t> body_;
  size_t reportCount_ = 0;
};

}  // namespace rooms::rtc
