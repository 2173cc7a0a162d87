#pragma once
// The payload of an RFC 2198 redundant audio packet (`audio/red`): block headers, then the blocks' data,
// redundant copies of earlier packets first (oldest first) and the primary, this packet's own audio, last.
// Browsers send Opus this way when RED is the first codec of the answer: a lost packet's audio then comes
// with the next one. A view over the caller's bytes; nothing is copied.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rooms::rtc {

class RedPacket {
 public:
  // Browsers send one or two redundant blocks; more than this is refused as malformed.
  static constexpr size_t kMaxBlocks = 8;
  static constexpr size_t kBlockHeaderSize = 4;

  struct Block {
    uint8_t payloadType = 0;
    uint16_t timestampOffset = 0;  // how much earlier than the packet's timestamp (0 for the primary)
    std::span<const uint8_t> data;
  };

  // Nullopt when the headers run past the payload, a length points past it, or there are too many blocks.
  static std::optional<RedPacket> parse(std::span<const uint8_t> payload);

  size_t blockCount() const { return count_; }
  size_t redundantCount() const { return count_ - 1; }
  const Block& block(size_t i) const { return blocks_[i]; }
  const Block& primary() const { return blocks_[count_ - 1]; }

  // Sets the payload type of every block that has `from` to `to`, in place: a subscriber may number Opus
  // differently from the publisher. False when the payload does not parse.
  static bool rewritePayloadTypes(std::span<uint8_t> payload, uint8_t from, uint8_t to);

 private:
  std::array<Block, kMaxBlocks> blocks_{};
  size_t count_ = 0;
};

}  // namespace rooms::rtc
