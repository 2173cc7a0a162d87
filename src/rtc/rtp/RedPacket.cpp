#include "rtc/rtp/RedPacket.h"

namespace rooms::rtc {

std::optional<RedPacket> RedPacket::parse(std::span<const uint8_t> payload) {
  RedPacket red;
  size_t at = 0;
  std::array<uint16_t, kMaxBlocks> lengths{};
  for (;;) {
    if (at >= payload.size() || red.count_ == kMaxBlocks) {
      return std::nullopt;
    }
    const uint8_t first = payload[at];
    Block& block = red.blocks_[red.count_];
    block.payloadType = first & 0x7F;
    if ((first & 0x80) == 0) {
      ++at;
      ++red.count_;
      break;
    }
    if (at + kBlockHeaderSize > payload.size()) {
      return std::nullopt;
    }
    block.timestampOffset = static_cast<uint16_t>((payload[at + 1] << 6) | (payload[at + 2] >> 2));
    lengths[red.count_] = static_cast<uint16_t>(((payload[at + 2] & 0x03) << 8) | payload[at + 3]);
    at += kBlockHeaderSize;
    ++red.count_;
  }
  for (size_t i = 0; i + 1 < red.count_; ++i) {
    if (lengths[i] > payload.size() - at) {
      return std::nullopt;
    }
    red.blocks_[i].data = payload.subspan(at, lengths[i]);
    at += lengths[i];
  }
  red.blocks_[red.count_ - 1].data = payload.subspan(at);
  return red;
}

bool RedPacket::rewritePayloadTypes(std::span<uint8_t> payload, uint8_t from, uint8_t to) {
  if (!parse(payload)) {
    return false;
  }
  size_t at = 0;
  for (;;) {
    uint8_t& first = payload[at];
    if ((first & 0x7F) == from) {
      first = static_cast<uint8_t>((first & 0x80) | (to & 0x7F));
    }
    if ((first & 0x80) == 0) {
      return true;
    }
    at += kBlockHeaderSize;
  }
}

}  // namespace rooms::rtc
