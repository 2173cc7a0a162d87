#include "rtc/rtcp/ReportBlock.h"

#include <algorithm>

#include "rtc/rtp/ByteIo.h"

namespace rooms::rtc {

ReportBlock ReportBlock::read(const uint8_t* in) {
  ReportBlock block;
  block.ssrc = read32(in);
  block.fractionLost = in[4];
  block.cumulativeLost = readSigned24(in + 5);
  block.extendedHighestSequence = read32(in + 8);
  block.jitter = read32(in + 12);
  block.lastSenderReport = read32(in + 16);
  block.delaySinceLastSenderReport = read32(in + 20);
  return block;
}

void ReportBlock::write(uint8_t* out) const {
  write32(out, ssrc);
  out[4] = fractionLost;
  const int32_t lost = std::clamp(cumulativeLost, kMinCumulativeLost, kMaxCumulativeLost);
  write24(out + 5, static_cast<uint32_t>(lost) & 0xFFFFFFu);
  write32(out + 8, extendedHighestSequence);
  write32(out + 12, jitter);
  write32(out + 16, lastSenderReport);
  write32(out + 20, delaySinceLastSenderReport);
}

}  // namespace rooms::rtc
