// The four depacketizers on the same arbitrary packet sequence (each reads the bytes its own way), as a
// hostile publisher would send them: no input may crash, read out of bounds or grow a frame past its bound,
// and what comes out must be what the codec would accept: frames only at the packet that completes them, key
// frames only where the bitstream says so, H264 in Annex B, Opus only packets that parse.
//
// Input: two bytes choosing the frame bounds (FF FF: the real ones, whose large allocations make a run slow,
// so rare; else small ones, so that frames reach them), then records: control byte, payload length, payload.
// Control bits: 0 marker, 1 packets lost before, 2-3 timestamp step (same, +3000, +1, -3000), 7 reset all.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "recording/H264Depacketizer.h"
#include "recording/OpusDepacketizer.h"
#include "recording/Vp8Depacketizer.h"
#include "recording/Vp9Depacketizer.h"

using namespace rooms::recording;

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

uint64_t bits(std::span<const uint8_t> data, size_t from, size_t count) {
  uint64_t value = 0;
  for (size_t i = from; i < from + count; ++i) value = (value << 1) | ((data[i / 8] >> (7 - i % 8)) & 1U);
  return value;
}

// Independent of the depacketizer's own reader: the VP9 key frame header (frame_marker, profile, reserved
// bit for profile 3, show_existing_frame 0, frame_type 0, show_frame, error_resilient_mode, sync code).
bool isVp9KeyFrame(std::span<const uint8_t> f) {
  if (f.size() < 5 || bits(f, 0, 2) != 2) return false;
  const uint64_t profile = bits(f, 2, 1) | (bits(f, 3, 1) << 1);
  size_t at = 4;
  if (profile == 3 && bits(f, at++, 1) != 0) return false;
  if (bits(f, at, 1) != 0 || bits(f, at + 1, 1) != 0) return false;
  return bits(f, at + 4, 24) == 0x498342;
}

bool isVp8KeyFrame(std::span<const uint8_t> f) {
  return f.size() >= 10 && (f[0] & 1) == 0 && f[3] == 0x9d && f[4] == 0x01 && f[5] == 0x2a;
}

bool hasIdr(std::span<const uint8_t> f) {
  for (size_t i = 0; i + 4 < f.size(); ++i) {
    if (f[i] == 0 && f[i + 1] == 0 && f[i + 2] == 0 && f[i + 3] == 1 && (f[i + 4] & 0x1F) == 5) return true;
  }
  return false;
}

enum Codec { kOpus, kVp8, kVp9, kH264, kCodecs };

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool realBounds = data[0] == 255 && data[1] == 255;
  const size_t videoBound =
      realBounds ? Vp8Depacketizer::kMaxFrameSize : 16 + static_cast<size_t>(data[0]) * 8;
  const size_t audioBound = realBounds ? OpusDepacketizer::kMaxFrameSize : 1 + data[1];
  data += 2;
  size -= 2;

  OpusDepacketizer opus(audioBound);
  Vp8Depacketizer vp8(videoBound);
  Vp9Depacketizer vp9(videoBound);
  H264Depacketizer h264(videoBound);
  const std::array<Depacketizer*, kCodecs> all = {&opus, &vp8, &vp9, &h264};
  const std::array<size_t, kCodecs> bounds = {audioBound, videoBound, videoBound, videoBound};
  std::array<uint64_t, kCodecs> malformed{};
  std::array<uint64_t, kCodecs> incomplete{};
  std::array<uint64_t, kCodecs> frames{};

  RtpInput in;
  in.timestamp = 90000;
  in.arrivalMs = 5000;
  uint64_t packets = 0;
  uint64_t markers = 0;
  while (size >= 2) {
    const uint8_t control = data[0];
    const size_t length = std::min<size_t>(data[1], size - 2);
    in.payload = std::span<const uint8_t>(data + 2, length);
    data += 2 + length;
    size -= 2 + length;
    if ((control & 0x80) != 0) {
      for (auto* d : all) d->reset();
    }
    in.marker = (control & 0x01) != 0;
    const bool gap = (control & 0x02) != 0;
    constexpr std::array<uint32_t, 4> kSteps = {0, 3000, 1, static_cast<uint32_t>(-3000)};
    in.timestamp += kSteps[(control >> 2) & 3];
    in.sequence = static_cast<uint16_t>(in.sequence + (gap ? 2 : 1));
    in.arrivalMs += control >> 4;
    ++packets;
    markers += in.marker ? 1 : 0;

    for (size_t c = 0; c < kCodecs; ++c) {
      const auto frame = all[c]->push(in, gap);
      // Counters only grow, and one packet ends at most two frames (the open one, and its own).
      check(all[c]->malformed() >= malformed[c] && all[c]->malformed() <= malformed[c] + 1);
      check(all[c]->incompleteFrames() >= incomplete[c] && all[c]->incompleteFrames() <= incomplete[c] + 2);
      malformed[c] = all[c]->malformed();
      incomplete[c] = all[c]->incompleteFrames();
      if (!frame) continue;
      ++frames[c];
      check(!frame->data.empty() && frame->data.size() <= bounds[c]);
      check(frame->timestamp == in.timestamp && frame->arrivalMs == in.arrivalMs);
      // The frame is a copy: it must not alias the input packet.
      check(frame->data.data() + frame->data.size() <= in.payload.data() ||
            frame->data.data() >= in.payload.data() + in.payload.size());
      switch (c) {
        case kOpus:
          check(frame->keyFrame);
          check(frame->data.size() == in.payload.size() &&
                std::memcmp(frame->data.data(), in.payload.data(), in.payload.size()) == 0);
          check(OpusDepacketizer::isValidPacket(frame->data));
          break;
        case kVp8:
          check(in.marker);
          check(!frame->keyFrame || isVp8KeyFrame(frame->data));
          break;
        case kVp9:
          check(in.marker);
          check((frame->data[0] >> 6) == 2);
          check(!frame->keyFrame || isVp9KeyFrame(frame->data));
          break;
        case kH264:
          check(in.marker);
          check(frame->data.size() >= 5 && frame->data[0] == 0 && frame->data[1] == 0 &&
                frame->data[2] == 0 && frame->data[3] == 1);
          check(!frame->keyFrame || (hasIdr(frame->data) && !h264.sps().empty() && !h264.pps().empty()));
          break;
        default:
          break;
      }
    }
    check(h264.sps().size() <= H264Depacketizer::kMaxParameterSetSize);
    check(h264.pps().size() <= H264Depacketizer::kMaxParameterSetSize);
    check(h264.sps().empty() || (h264.sps()[0] & 0x1F) == 7);
    check(h264.pps().empty() || (h264.pps()[0] & 0x1F) == 8);
  }
  for (size_t c = 1; c < kCodecs; ++c) check(frames[c] <= markers);
  check(frames[kOpus] <= packets);
  return 0;
}
