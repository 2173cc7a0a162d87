// Transport-wide feedback we write from arrivals the network controls (sequence numbers in any order, any
// arrival times): every packet TransportCcFeedbackGenerator writes must parse, report each sequence
// number it covers once and in order, and fit in the buffer it was given.
#include <array>
#include <cstddef>
#include <cstdint>

#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/TransportFeedback.h"
#include "rtc/rtp/TransportCcFeedbackGenerator.h"

using namespace rooms::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  // The first byte sizes the output buffer, as a small MTU would.
  const size_t capacity = 32 + static_cast<size_t>(data[0]) * 6;
  TransportCcFeedbackGenerator g;
  std::array<uint8_t, 2048> out{};
  int64_t arrivalUs = 0;
  int64_t nowMs = 0;
  for (size_t i = 1; i + 3 < size; i += 4) {
    const auto seq = static_cast<uint16_t>((data[i] << 8) | data[i + 1]);
    // Mostly forward in time, sometimes far, sometimes back: signed 16-bit steps of 16 us.
    arrivalUs += static_cast<int16_t>((data[i + 2] << 8) | data[i + 3]) * 16;
    g.onPacket(seq, arrivalUs);
    nowMs += 10;
    for (int k = 0; k < 8 && g.due(nowMs); ++k) {
      const size_t n = g.write({out.data(), capacity}, 1, 2, nowMs);
      if (n == 0) break;
      if (n > capacity || n % 4 != 0) __builtin_trap();
      auto compound = RtcpCompoundPacket::parse(out.data(), n);
      if (!compound || compound->packetCount() != 1) __builtin_trap();
      auto fb = TransportFeedback::parse(*compound->begin());
      if (!fb) __builtin_trap();
      // Reports never overlap, but between two of them the window may have dropped any number of old
      // sequence numbers (several jumps between two writes), so only the order within one is checked.
      size_t reported = 0;
      uint16_t expect = fb->baseSequenceNumber();
      const bool ok = fb->forEachPacket([&](uint16_t s, bool, int64_t) {
        if (s != expect) __builtin_trap();
        ++expect;
        ++reported;
      });
      if (!ok || reported != fb->packetStatusCount() || reported == 0) __builtin_trap();
    }
  }
  return 0;
}
