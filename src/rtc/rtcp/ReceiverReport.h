#pragma once
// RTCP RR (RFC 3550 section 6.4.2): the reporter's SSRC and its reception report blocks.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtcp/ReportBlock.h"
#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class ReceiverReport {
 public:
  static constexpr size_t kMinSize = kRtcpHeaderSize + 4;
  static constexpr size_t kMaxReportBlocks = 31;

  static std::optional<ReceiverReport> parse(const RtcpPacketView& packet);

  uint32_t ssrc() const { return read32(body_.data()); }
  size_t reportCount() const { return reportCount_; }
  ReportBlock reportBlock(size_t index) const;  // index < reportCount()

  // Returns bytes written, or 0 if it does not fit or has more than 31 blocks.
  static size_t write(std::span<uint8_t> out, uint32_t ssrc, std::span<const ReportBlock> blocks);

 private:
  ReceiverReport(std::span<const uint8_t> body, size_t reportCount)
      : body_(body), reportCount_(reportCount) {}

  std::span<const uint8_t> body_;
  size_t reportCount_ = 0;
};

}  // namespace rooms::rtc
