#pragma once
// RFC 4588 retransmission packets (session multiplexing: their own SSRC and payload type). The payload
// starts with the original sequence number (OSN), followed by the original payload; header, extensions and
// padding are the sender's as for any packet of the RTX stream.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtc/rtp/RtpPacket.h"

namespace rooms::rtc {

class RtxPacket {
 public:
  static constexpr size_t kOsnSize = 2;

  // Turns rtx into the original packet in its own buffer (the header moves two bytes up over the OSN, so
  // nothing is copied but the header): the media SSRC and payload type, the OSN as sequence number. nullopt
  // when the payload is too short to hold an OSN: padding-only packets, which senders use to probe the link.
  // rtx must not be used afterwards.
  static std::optional<RtpPacket> restore(RtpPacket& rtx, uint32_t mediaSsrc, uint8_t mediaPayloadType);

  // Writes the RTX form of original (a whole RTP packet) to out: its header with the RTX SSRC, payload type
  // and sequence number, then the OSN and the original payload. Returns the size, 0 when original does not
  // parse or out is too small.
  static size_t wrap(std::span<const uint8_t> original, uint32_t rtxSsrc, uint8_t rtxPayloadType,
                     uint16_t rtxSequenceNumber, uint8_t* out, size_t capacity);
};

}  // namespace rooms::rtc
