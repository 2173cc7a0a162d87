// RtcpCompoundPacket::parse on arbitrary bytes, then every typed parser on every sub-packet, must never
// read outside the input; accepted packets are walked through every accessor. Reports that parse are also
// written back and re-parsed, since the SFU regenerates RTCP from what it receives.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rtc/rtcp/Bye.h"
#include "rtc/rtcp/Fir.h"
#include "rtc/rtcp/GenericNack.h"
#include "rtc/rtcp/Pli.h"
#include "rtc/rtcp/ReceiverReport.h"
#include "rtc/rtcp/Remb.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/Sdes.h"
#include "rtc/rtcp/SenderReport.h"
#include "rtc/rtcp/TransportFeedback.h"

using namespace rooms::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> bytes(data, data + size);
  const auto compound = RtcpCompoundPacket::parse(bytes.data(), bytes.size());
  if (!compound) return 0;

  uint64_t sink = 0;
  size_t total = 0;
  size_t count = 0;
  std::array<uint8_t, 1500> out{};
  std::array<ReportBlock, 31> blocks{};
  for (const RtcpPacketView& view : *compound) {
    total += view.size;
    ++count;
    for (const uint8_t b : view.body()) sink += b;

    if (const auto sr = SenderReport::parse(view)) {
      const auto info = sr->senderInfo();
      sink += info.ssrc + info.ntpSeconds + info.octetCount + sr->extension().size();
      for (size_t i = 0; i < sr->reportCount(); ++i) blocks[i] = sr->reportBlock(i);
      const size_t n = SenderReport::write(out, info, std::span(blocks.data(), sr->reportCount()));
      const auto again = RtcpCompoundPacket::parse(out.data(), n);
      if (n == 0 || !again) __builtin_trap();
      const auto reparsed = SenderReport::parse(*again->begin());
      if (!reparsed || reparsed->reportCount() != sr->reportCount()) __builtin_trap();
    }
    if (const auto rr = ReceiverReport::parse(view)) {
      for (size_t i = 0; i < rr->reportCount(); ++i) blocks[i] = rr->reportBlock(i);
      const size_t n = ReceiverReport::write(out, rr->ssrc(), std::span(blocks.data(), rr->reportCount()));
      const auto again = RtcpCompoundPacket::parse(out.data(), n);
      if (n == 0 || !again) __builtin_trap();
      const auto reparsed = ReceiverReport::parse(*again->begin());
      if (!reparsed || reparsed->ssrc() != rr->ssrc()) __builtin_trap();
      for (size_t i = 0; i < rr->reportCount(); ++i) {
        if (reparsed->reportBlock(i).cumulativeLost != rr->reportBlock(i).cumulativeLost) __builtin_trap();
      }
    }
    if (const auto sdes = Sdes::parse(view)) {
      sdes->forEachItem([&](uint32_t ssrc, uint8_t type, std::string_view text) {
        sink += ssrc + type + text.size();
        if (type == Sdes::kCname && !sdes->cname(ssrc)) __builtin_trap();
      });
    }
    if (const auto bye = Bye::parse(view)) {
      for (size_t i = 0; i <= bye->ssrcCount(); ++i) sink += bye->ssrc(i);
      sink += bye->reason().size();
    }
    if (const auto nack = GenericNack::parse(view)) {
      sink += nack->senderSsrc() + nack->mediaSsrc();
      std::array<uint16_t, 64> lost{};
      const size_t n = nack->lostSequenceNumbers(lost);
      nack->forEachLost([&](uint16_t seq) { sink += seq; });
      if (n > 0) sink += GenericNack::write(out, 1, 2, std::span(lost.data(), n));
    }
    if (const auto pli = Pli::parse(view)) sink += pli->senderSsrc() + pli->mediaSsrc();
    if (const auto fir = Fir::parse(view)) {
      for (size_t i = 0; i <= fir->entryCount(); ++i)
        sink += fir->entry(i).ssrc + fir->entry(i).sequenceNumber;
    }
    if (const auto remb = Remb::parse(view)) {
      sink += remb->bitrate() + remb->senderSsrc();
      for (size_t i = 0; i <= remb->ssrcCount(); ++i) sink += remb->ssrc(i);
    }
    if (const auto feedback = TransportFeedback::parse(view)) {
      sink += feedback->baseSequenceNumber() + feedback->packetStatusCount() +
              static_cast<uint64_t>(feedback->referenceTimeUs()) + feedback->feedbackPacketCount();
      size_t reported = 0;
      const bool ok = feedback->forEachPacket([&](uint16_t seq, bool received, int64_t deltaUs) {
        sink += seq + received + static_cast<uint64_t>(deltaUs);
        ++reported;
      });
      if (ok && reported != feedback->packetStatusCount()) __builtin_trap();
    }
  }
  if (total != size || count != compound->packetCount()) __builtin_trap();
  volatile uint64_t keep = sink;  // keeps the accessor calls from being optimized away
  (void)keep;
  return 0;
}
