// Drives the per-stream RTP machinery (RtpReceiveStats, RtpStreamRewriter, RtpRetransmissionBuffer,
// RttEstimator) with arbitrary sequence numbers, timestamps, clock jumps, source switches and reports decoded
// from the input, and checks the invariants the router relies on. Sequence numbers and timestamps come
// straight from the network, so no input may cause a crash, undefined behaviour or an out-of-range field.
//
// Input: a 4-byte header (stats clock rate selector, buffer capacity, buffer max age), then 8-byte records:
// op, seq (2), timestamp (4), time step (1).
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "rtc/rtp/RtpReceiveStats.h"
#include "rtc/rtp/RtpRetransmissionBuffer.h"
#include "rtc/rtp/RtpStreamRewriter.h"
#include "rtc/rtp/RttEstimator.h"

using rooms::rtc::ReportBlock;
using rooms::rtc::RtpReceiveStats;
using rooms::rtc::RtpRetransmissionBuffer;
using rooms::rtc::RtpStreamRewriter;
using rooms::rtc::RttEstimator;

namespace {

constexpr std::array<uint32_t, 4> kClockRates = {8000, 48000, 90000, 0};

void check(bool condition) {
  if (!condition) __builtin_trap();
}

uint8_t payloadByte(uint16_t seq, size_t i) {
  return static_cast<uint8_t>(seq * 31 + i);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const uint32_t statsClockRate = kClockRates[data[0] % kClockRates.size()];
  const size_t capacity = data[1];  // 0 included: the buffer must cope
  const int64_t maxAgeMs = static_cast<int64_t>(data[2]) * 20;
  const bool rawClockRates = (data[3] & 1) != 0;
  data += 4;
  size -= 4;

  RtpReceiveStats stats(statsClockRate);
  RtpRetransmissionBuffer buffer(capacity, maxAgeMs);
  RtpStreamRewriter rewriter(90000);
  RttEstimator rtt;

  static std::array<uint8_t, RtpRetransmissionBuffer::kMaxPacketSize + 64> payload;
  int64_t nowMs = 1'000'000;
  uint64_t packets = 0;
  bool expectContinuation = false;  // the next mapped packet starts a segment after an earlier one
  uint16_t lastOutSeq = 0;

  for (; size >= 8; data += 8, size -= 8) {
    const uint8_t op = data[0] % 16;
    const uint16_t seq = static_cast<uint16_t>((data[1] << 8) | data[2]);
    const uint32_t ts = (static_cast<uint32_t>(data[3]) << 24) | (static_cast<uint32_t>(data[4]) << 16) |
                        (static_cast<uint32_t>(data[5]) << 8) | data[6];
    nowMs += data[7];

    if (op < 7) {
      const size_t packetSize = 1 + (static_cast<size_t>(data[7]) * 7 + ts % 97) % payload.size();
      for (size_t i = 0; i < packetSize; ++i) payload[i] = payloadByte(seq, i);

      stats.onPacket(seq, ts, nowMs, packetSize);
      ++packets;
      check(stats.packetsReceived() == packets);

      buffer.store(seq, payload.data(), packetSize, nowMs);
      const auto found = buffer.find(seq, nowMs);
      if (packetSize <= RtpRetransmissionBuffer::kMaxPacketSize) {
        check(found.size() == packetSize);
        for (size_t i = 0; i < found.size(); ++i) check(found[i] == payloadByte(seq, i));
      } else {
        check(found.empty() || found.size() <= RtpRetransmissionBuffer::kMaxPacketSize);
      }

      const bool wasStarted = rewriter.started();
      const auto mapped = rewriter.map(seq, ts, nowMs);
      if (mapped) {
        check(!rewriter.paused());
        if (expectContinuation) {
          check(mapped->seq == static_cast<uint16_t>(lastOutSeq + 1));
          expectContinuation = false;
        }
        const auto back = rewriter.reverseSeq(mapped->seq);
        check(back && *back == seq);
        lastOutSeq = rewriter.lastSeq();
        rewriter.onSent(packetSize);
      } else {
        check(rewriter.paused() || wasStarted);
      }
      continue;
    }

    switch (op) {
      case 7:
        rewriter.switchSource(rawClockRates ? ts : kClockRates[ts % 3]);
        if (rewriter.started()) expectContinuation = true;
        break;
      case 8:
        rewriter.pause();
        break;
      case 9:
        rewriter.resume();
        if (rewriter.started()) expectContinuation = true;
        break;
      case 10: {
        const uint64_t ntp = RttEstimator::toNtp(nowMs) ^ (static_cast<uint64_t>(seq) << 40);
        stats.onSenderReport(ntp, ts, nowMs);
        rtt.onSenderReportSent(ntp, nowMs);
        break;
      }
      case 11: {
        const ReportBlock block = stats.reportBlock(ts, nowMs);
        check(block.cumulativeLost >= ReportBlock::kMinCumulativeLost);
        check(block.cumulativeLost <= ReportBlock::kMaxCumulativeLost);
        check(block.extendedHighestSequence == stats.extendedHighestSeq());
        check(block.jitter == stats.jitter());
        const double ratio = stats.lossRatio();
        check(ratio >= 0.0 && ratio <= 1.0);
        check(std::isfinite(stats.jitterMs()) && stats.jitterMs() >= 0.0);
        // Echo it back to our own estimator, as a peer would, a little later.
        const auto sample =
            rtt.onReportBlock(block.lastSenderReport, block.delaySinceLastSenderReport, nowMs + seq % 500);
        if (sample) check(std::isfinite(*sample) && *sample >= 0.0);
        check(std::isfinite(rtt.averageRttMs()) && rtt.averageRttMs() >= 0.0);
        break;
      }
      case 12: {
        const auto sample = rtt.onReportBlock(ts, static_cast<uint32_t>(seq) << (data[7] % 17), nowMs);
        if (sample) check(std::isfinite(*sample) && *sample >= 0.0);
        break;
      }
      case 13:
        buffer.clear();
        check(buffer.find(seq, nowMs).empty());
        break;
      case 14:
        // Clock jumps either way, including far beyond anything real, to shake out overflow.
        nowMs += static_cast<int32_t>(ts) * static_cast<int64_t>(1 + data[7]);
        break;
      case 15:
        if (const auto back = rewriter.reverseSeq(seq)) (void)back;
        (void)rewriter.rtpTimestampAt(nowMs);
        break;
    }
  }
  return 0;
}
