// A subscriber's transport-cc feedback is whatever it chooses to send: any sequence numbers, statuses and
// deltas, against any history of what we sent. The estimator must take all of it without crashing, and
// its estimate must stay within its bounds.
//
// Input: byte 0 = how many packets we "sent" before (x 16), then RTCP compound packets, each preceded by a
// one-byte length in 4-byte words.
#include <cstddef>
#include <cstdint>

#include "rtc/bwe/SendSideBandwidthEstimator.h"
#include "rtc/rtcp/RtcpCompoundPacket.h"
#include "rtc/rtcp/TransportFeedback.h"

using namespace rooms::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  SendSideBandwidthEstimator bwe;
  const size_t sent = static_cast<size_t>(data[0]) * 16;
  for (size_t i = 0; i < sent; ++i) {
    bwe.onPacketSent(static_cast<uint16_t>(i), static_cast<int64_t>(i) * 1000, 200 + i % 1000);
  }
  int64_t nowMs = 0;
  size_t at = 1;
  while (at < size) {
    const size_t length = static_cast<size_t>(data[at]) * 4;
    ++at;
    if (length == 0 || at + length > size) break;
    if (auto compound = RtcpCompoundPacket::parse(data + at, length)) {
      for (const RtcpPacketView& packet : *compound) {
        if (packet.rtcpType() != RtcpType::kRtpFeedback || packet.count != kFmtTransportFeedback) continue;
        if (auto fb = TransportFeedback::parse(packet)) {
          nowMs += 50;
          bwe.onFeedback(*fb, nowMs, static_cast<int64_t>(data[at]) - 10);
          const uint64_t e = bwe.estimate();
          if (e < SendSideBandwidthEstimator::kMinBps || e > SendSideBandwidthEstimator::kMaxBps)
            __builtin_trap();
          if (bwe.lossRatio() < 0 || bwe.lossRatio() > 1) __builtin_trap();
        }
      }
    }
    at += length;
  }
  return 0;
}
