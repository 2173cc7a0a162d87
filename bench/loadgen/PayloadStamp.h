#pragma once
// What the load generator writes at the start of every payload it sends (after the codec's own payload
// header): which stream it belongs to, its place in that stream, and when it left. A receiver reads it back
// after SRTP, so loss, order, misrouting and one-way latency are measured on the packets themselves, whatever
// the server did to the RTP header. Both ends run on one machine and one steady clock.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

namespace rooms::loadgen {

struct PayloadStamp {
  static constexpr uint32_t kMagic = 0x524c4731;  // "RLG1"
  static constexpr size_t kSize = 20;

  uint32_t streamId = 0;
  uint32_t sequence = 0;
  int64_t sentNs = 0;

  void write(uint8_t* out) const {
    const uint32_t magic = kMagic;
    std::memcpy(out, &magic, 4);
    std::memcpy(out + 4, &streamId, 4);
    std::memcpy(out + 8, &sequence, 4);
    std::memcpy(out + 12, &sentNs, 8);
  }

  // Looks for the stamp within the first few bytes of payload: codecs put a payload descriptor of a few
  // bytes in front (VP8: 1 to 4), and a server may rewrite it.
  static std::optional<PayloadStamp> find(const uint8_t* payload, size_t size) {
    for (size_t offset = 0; offset <= 8 && offset + kSize <= size; ++offset) {
      uint32_t magic;
      std::memcpy(&magic, payload + offset, 4);
      if (magic != kMagic) continue;
      PayloadStamp s;
      std::memcpy(&s.streamId, payload + offset + 4, 4);
      std::memcpy(&s.sequence, payload + offset + 8, 4);
      std::memcpy(&s.sentNs, payload + offset + 12, 8);
      return s;
    }
    return std::nullopt;
  }
};

}  // namespace rooms::loadgen
