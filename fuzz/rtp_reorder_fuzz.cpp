// RtpReorderBuffer on arbitrary sequence numbers, payload sizes, clocks and push/pop/drain interleavings:
// no input may crash or read out of bounds, every accepted packet comes out exactly once with its own bytes,
// in sequence order between restarts, and the buffer never holds more than its capacity.
//
// Input: capacity byte, wait byte (x 10 ms), then 4-byte records: op, sequence (2), time step.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "recording/RtpReorderBuffer.h"

using rooms::recording::RtpInput;
using rooms::recording::RtpReorderBuffer;

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

// Every copy of a sequence number carries the same bytes, so a released packet can be checked on its own.
// Small payloads unless the salt asks for the full range (past kMaxPayload): more runs per second.
size_t sizeOf(uint16_t seq, uint8_t salt) {
  const size_t range = (salt & 1) != 0 ? RtpReorderBuffer::kMaxPayload + 64 : 48;
  return (static_cast<size_t>(seq) * 37 + salt * 101) % range;
}
uint8_t byteOf(uint16_t seq, size_t i) {
  return static_cast<uint8_t>(seq * 13 + i * 7);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  RtpReorderBuffer buffer(data[0], static_cast<int64_t>(data[1]) * 10);
  const auto salt = static_cast<uint8_t>(data[0] ^ data[1]);
  data += 2;
  size -= 2;

  static std::vector<uint8_t> payload(RtpReorderBuffer::kMaxPayload + 64);
  int64_t nowMs = 1'000'000;
  uint64_t pushed = 0;
  uint64_t released = 0;
  bool haveLast = false;
  uint16_t lastSeq = 0;
  // From a restart until the packet that caused it comes out (the last one held then), order spans two
  // numberings.
  uint64_t restartReleasedAt = 0;

  const auto accepted = [&] {
    return pushed - buffer.duplicates() - buffer.late() - buffer.oversized() - buffer.overflows();
  };
  const auto onReleased = [&](const RtpReorderBuffer::Released& r) {
    const uint16_t seq = r.packet.sequence;
    check(r.packet.payload.size() == sizeOf(seq, salt));
    check(r.packet.payload.size() <= RtpReorderBuffer::kMaxPayload);
    for (size_t i = 0; i < r.packet.payload.size(); ++i) check(r.packet.payload[i] == byteOf(seq, i));
    check(r.packet.timestamp == static_cast<uint32_t>(seq) * 90 && r.packet.marker == ((seq & 1) != 0));
    if (haveLast) {
      check(r.lostBefore == static_cast<uint16_t>(seq - lastSeq - 1));
      // Otherwise sequence order: never the same number twice, never one behind.
      if (released >= restartReleasedAt)
        check(static_cast<int16_t>(static_cast<uint16_t>(seq - lastSeq)) > 0);
    } else {
      check(r.lostBefore == 0);
    }
    haveLast = true;
    lastSeq = seq;
    ++released;
  };

  for (; size >= 4; data += 4, size -= 4) {
    const uint8_t op = data[0] % 8;
    const auto seq = static_cast<uint16_t>((data[1] << 8) | data[2]);
    const uint8_t step = data[3];
    if (op < 5) {
      RtpInput in;
      in.sequence = seq;
      in.timestamp = static_cast<uint32_t>(seq) * 90;
      in.marker = (seq & 1) != 0;
      in.arrivalMs = nowMs;
      const size_t n = sizeOf(seq, salt);
      for (size_t i = 0; i < n; ++i) payload[i] = byteOf(seq, i);
      in.payload = std::span<const uint8_t>(payload.data(), n);
      const uint64_t restartsBefore = buffer.restarts();
      ++pushed;
      // Odd steps try the copy-free path first, as the recorder does; what it refuses is pushed.
      if (step & 1) {
        if (auto r = buffer.passThrough(in)) {
          check(r->packet.payload.data() == payload.data());
          check(buffer.held() == 0);
          onReleased(*r);
          nowMs += step;
          check(released + buffer.held() == accepted());
          continue;
        }
      }
      buffer.push(in);
      if (buffer.restarts() != restartsBefore) restartReleasedAt = released + buffer.held();
      nowMs += step;
    } else if (op < 7) {
      if (op == 6) nowMs += static_cast<int64_t>(step) * 1000 - 100'000;  // clocks jump, even backwards
      while (auto r = buffer.pop(nowMs)) onReleased(*r);
      // Nothing came out although something is held: the next one is missing and the buffer is not full.
      check(buffer.held() == 0 || buffer.held() + 1 < buffer.capacity());
    } else {
      while (auto r = buffer.drain()) onReleased(*r);
      check(buffer.held() == 0);
    }
    check(buffer.held() <= buffer.capacity());
    check(released + buffer.held() == accepted());
  }
  while (auto r = buffer.drain()) onReleased(*r);
  check(released == accepted());
  return 0;
}
