#include "rtc/rtcp/ReceiverReport.h"

namespace rooms::rtc {

std::optional<ReceiverReport> ReceiverReport::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kReceiverReport) return std::nullopt;
  const auto body = packet.body();
  if (body.size() < 4 + packet.count * ReportBlock::kSize) return std::nullopt;
  return ReceiverReport(body, packet.count);
}

ReportBlock ReceiverReport::reportBlock(size_t index) const {
  if (index >= reportCount_) return {};
  return ReportBlock::read(body_.data() + 4 + index * ReportBlock::kSize);
}

size_t ReceiverReport::write(std::span<uint8_t> out, uint32_t ssrc, std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxReportBlocks) return 0;
  const size_t size = kMinSize + blocks.size() * ReportBlock::kSize;
  if (out.size() < size) return 0;
  uint8_t* p = out.data() + kRtcpHeaderSize;
  write32(p, ssrc);
  p += 4;
  for (const auto& block : blocks) {
    block.write(p);
    p += ReportBlock::kSize;
  }
  writeRtcpHeader(out.data(), static_cast<uint8_t>(blocks.size()), RtcpType::kReceiverReport, size);
  return size;
}

}  // namespace rooms::rtc
