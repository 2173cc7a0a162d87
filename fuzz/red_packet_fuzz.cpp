// RED payloads come from publishers: any bytes must parse or be refused, the blocks must lie inside the
// payload and cover it exactly, and rewriting the payload types must leave a payload that parses the same.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/rtp/RedPacket.h"

using namespace rooms::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> payload(data, size);
  auto red = RedPacket::parse(payload);
  std::vector<uint8_t> copy(data, data + size);
  const bool rewritten = RedPacket::rewritePayloadTypes(copy, 111, 63);
  if (rewritten != red.has_value()) __builtin_trap();
  if (!red) return 0;
  if (red->blockCount() == 0 || red->blockCount() > RedPacket::kMaxBlocks) __builtin_trap();
  size_t covered = 0;
  for (size_t i = 0; i < red->blockCount(); ++i) {
    const auto& b = red->block(i);
    if (!b.data.empty() && (b.data.data() < data || b.data.data() + b.data.size() > data + size))
      __builtin_trap();
    covered += b.data.size();
  }
  const size_t headers = red->redundantCount() * RedPacket::kBlockHeaderSize + 1;
  if (covered + headers != size) __builtin_trap();
  auto again = RedPacket::parse(copy);
  if (!again || again->blockCount() != red->blockCount()) __builtin_trap();
  for (size_t i = 0; i < red->blockCount(); ++i) {
    if (again->block(i).data.size() != red->block(i).data.size()) __builtin_trap();
    if (red->block(i).payloadType == 111 && again->block(i).payloadType != 63) __builtin_trap();
  }
  return 0;
}
