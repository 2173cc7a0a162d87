// Feeds a MicrophoneStream (the speech pipeline's view of a participant's microphone) arbitrary Opus
// payloads, sequence numbers and arrival times, as a hostile or broken browser could send them, then
// flushes it. Payloads, sequence numbers and timing come straight from the network: nothing may crash,
// hang or produce an utterance with impossible times.
//
// Input: 4-byte records (sequence step, time step, payload length), each followed by that many payload bytes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "ai/speech/MicrophoneStream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto ring = std::make_shared<rooms::rtc::RtpPacketRing>(64);
  rooms::ai::MicrophoneStream mic({"room", "p", "client", "P"}, ring);
  std::vector<rooms::ai::Utterance> out;
  uint16_t seq = 0;
  int64_t at = 1000;
  size_t off = 0;
  while (off + 4 <= size) {
    seq = static_cast<uint16_t>(seq + data[off]);
    at += data[off + 1] * 4;
    const size_t len = data[off + 2] | ((data[off + 3] & 0x03) << 8);
    off += 4;
    const size_t n = std::min(len, size - off);
    ring->push(at, seq, seq * 960u, false, 127, {data + off, n});
    off += n;
    if (ring->size() > 32) mic.poll(0, out);
  }
  mic.poll(0, out);
  mic.flush(out);
  for (const auto& u : out) {
    if (u.endMs < u.startMs || u.speechMs < 0 || u.speechMs > u.endMs - u.startMs + 1000) __builtin_trap();
  }
  return 0;
}
