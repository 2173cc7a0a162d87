// RtpPacket::parse on arbitrary bytes must not read outside them, and anything it accepts must have
// consistent sizes and extensions that stay inside the packet: the SFU trusts these views on its hot path.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/rtp/RtpHeaderExtensionIds.h"
#include "rtc/rtp/RtpPacket.h"

using rooms::rtc::RtpPacket;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // An exact-size copy so that ASan catches any read past the end; the parser also writes through setters.
  std::vector<uint8_t> bytes(data, data + size);
  const bool rtp = RtpPacket::looksLikeRtp(bytes.data(), bytes.size());
  const bool rtcp = RtpPacket::looksLikeRtcp(bytes.data(), bytes.size());
  if (rtp && rtcp) __builtin_trap();

  auto packet = RtpPacket::parse(bytes.data(), bytes.size());
  if (!packet) return 0;
  const uint8_t* begin = bytes.data();
  const uint8_t* end = begin + bytes.size();
  if (packet->headerSize() + packet->payload().size() + packet->paddingSize() != size) __builtin_trap();

  unsigned sink = packet->version() + packet->hasPadding() + packet->marker() + packet->payloadType() +
                  packet->sequenceNumber() + packet->timestamp() + packet->ssrc() +
                  packet->extensionProfile();
  for (size_t i = 0; i <= packet->csrcCount(); ++i) sink += packet->csrc(i);
  for (const uint8_t b : packet->payload()) sink += b;
  for (const uint8_t b : packet->extensionData()) sink += b;

  packet->forEachExtension([&](uint8_t id, std::span<const uint8_t> value) {
    if (id == 0 || value.data() < begin || value.data() + value.size() > end) __builtin_trap();
    for (const uint8_t b : value) sink += b;
  });
  for (unsigned id = 0; id <= 255; ++id) {
    const auto value = packet->extension(static_cast<uint8_t>(id));
    if (!value) continue;
    if (value->data() < begin || value->data() + value->size() > end) __builtin_trap();
    if (const auto level = rooms::rtc::readAudioLevel(*value)) sink += level->level;
    if (const auto seq = rooms::rtc::readTransportWideSequenceNumber(*value)) sink += *seq;
    if (const auto abs = rooms::rtc::readAbsSendTime(*value)) sink += *abs;
    // Writing a value back over itself must succeed and leave the packet valid.
    const std::vector<uint8_t> copy(value->begin(), value->end());
    if (!packet->setExtension(static_cast<uint8_t>(id), copy)) __builtin_trap();
  }

  packet->setSequenceNumber(static_cast<uint16_t>(sink));
  packet->setTimestamp(sink);
  packet->setSsrc(~sink);
  packet->setPayloadType(static_cast<uint8_t>(sink));
  packet->setMarker((sink & 1) != 0);
  // In-place rewrites never touch lengths, so the packet must still parse the same way.
  const auto again = RtpPacket::parse(bytes.data(), bytes.size());
  if (!again || again->payload().size() != packet->payload().size()) __builtin_trap();
  volatile unsigned keep = sink;  // keeps the accessor calls from being optimized away
  (void)keep;
  return 0;
}
