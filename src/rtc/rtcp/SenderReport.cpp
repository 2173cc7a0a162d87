#include "rtc/rtcp/SenderReport.h"

namespace rooms::rtc {

std::optional<SenderReport> SenderReport::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kSenderReport) return std::nullopt;
  const auto body = packet.body();
  if (body.size() < 24 + packet.count * ReportBlock::kSize) return std::nullopt;
  return SenderReport(body, packet.count);
}

SenderInfo SenderReport::senderInfo() const {
  const uint8_t* p = body_.data();
  return SenderInfo{read32(p), read32(p + 4), read32(p + 8), read32(p + 12), read32(p + 16), read32(p + 20)};
}

ReportBlock SenderReport::reportBlock(size_t index) const {
  if (index >= reportCount_) return {};
  return ReportBlock::read(body_.data() + 24 + index * ReportBlock::kSize);
}

size_t SenderReport::write(std::span<uint8_t> out, const SenderInfo& info,
                           std::span<const ReportBlock> blocks) {
  if (blocks.size() > kMaxReportBlocks) return 0;
  const size_t size = kMinSize + blocks.size() * ReportBlock::kSize;
  if (out.size() < size) return 0;
  uint8_t* p = out.data() + kRtcpHeaderSize;
  write32(p, info.ssrc);
  write32(p + 4, info.ntpSeconds);
  write32(p + 8, info.ntpFraction);
  write32(p + 12, info.rtpTimestamp);
  write32(p + 16, info.packetCount);
  write32(p + 20, info.octetCount);
  p += 24;
  for (const auto& block : blocks) {
    block.write(p);
    p += ReportBlock::kSize;
  }
  writeRtcpHeader(out.data(), static_cast<uint8_t>(blocks.size()), RtcpType::kSenderReport, size);
  return size;
}

}  // namespace rooms::rtc
