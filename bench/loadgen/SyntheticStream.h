#pragma once
// One outgoing media stream of a load-generator participant: Opus-sized audio at 50 packets/s, or video at a
// chosen bitrate as a real encoder sends it (a frame every 1/fps, split into MTU-sized VP8 packets sent as
// one burst, sizes varying around the mean, a key frame several times larger on request). Every payload
// carries a PayloadStamp. Writes plain RTP into the caller's buffer; the peer protects and sends it.
#include <cstddef>
#include <cstdint>
#include <span>

#include "PayloadStamp.h"

namespace rooms::loadgen {

enum class StreamKind { Audio, Video };

struct StreamSpec {
  StreamKind kind = StreamKind::Audio;
  uint32_t streamId = 0;  // unique in the run; what receivers report by
  uint32_t ssrc = 0;
  uint8_t payloadType = 111;
  uint32_t videoBitrate = 1000000;  // bit/s, video only
  int fps = 30;
};

class SyntheticStream {
 public:
  static constexpr size_t kAudioPayloadSize = 80;   // Opus at 32 kbit/s, 20 ms frames
  static constexpr size_t kMaxVideoPayload = 1100;  // what browsers fill a packet to under a 1200-byte MTU
  static constexpr int kKeyFrameFactor = 6;         // a key frame is this many mean frames

  explicit SyntheticStream(const StreamSpec& spec, int64_t startNs);

  const StreamSpec& spec() const { return spec_; }
  // When the next packet or frame is due.
  int64_t nextDueNs() const { return nextDueNs_; }
  // The next key frame is sent at once (a PLI or FIR arrived).
  void requestKeyFrame();

  // Writes the packets due at nowNs: calls emit(uint8_t* rtp, size_t size) for each, with a buffer of
  // kBufferSize the callee may protect in place. Returns the number emitted.
  static constexpr size_t kBufferSize = 1500;
  template <typename Emit>
  size_t produce(int64_t nowNs, Emit&& emit) {
    size_t count = 0;
    while (nowNs >= nextDueNs_) {
      count += spec_.kind == StreamKind::Audio ? produceAudio(nowNs, emit) : produceVideo(nowNs, emit);
    }
    return count;
  }

 private:
  template <typename Emit>
  size_t produceAudio(int64_t nowNs, Emit& emit) {
    const size_t size = writeHeader(true) + kAudioPayloadSize;
    writeStamp(buffer_ + 12, nowNs);
    emit(buffer_, size);
    timestamp_ += 960;  // 20 ms at 48 kHz
    nextDueNs_ += 20'000'000;
    return 1;
  }

  template <typename Emit>
  size_t produceVideo(int64_t nowNs, Emit& emit) {
    const bool key = keyFrameWanted_;
    keyFrameWanted_ = false;
    // Split about equally, as libwebrtc's packetizer does: as few packets as fit, the last (size % packets)
    // of them one byte larger than the others.
    const size_t frame = nextFrameSize(key);
    const size_t packets = (frame + kMaxVideoPayload - 1) / kMaxVideoPayload;
    const size_t smaller = packets ? packets - frame % packets : 0;
    size_t count = 0;
    bool first = true;
    for (size_t i = 0; i < packets; ++i) {
      // The VP8 payload descriptor (RFC 7741): S on the first packet of the frame, then on that packet the
      // 3-byte frame tag whose lowest bit is 0 for a key frame, and a key frame's start code (RFC 6386 9.1),
      // so a recorder takes it for one. The stamp follows at offset 7 either way.
      const size_t chunk = frame / packets + (i < smaller ? 0 : 1);
      const size_t payload = chunk < PayloadStamp::kSize + 7 ? PayloadStamp::kSize + 7 : chunk;
      const size_t header = writeHeader(i + 1 == packets);
      uint8_t* p = buffer_ + header;
      const bool keyStart = first && key;
      p[0] = first ? 0x10 : 0x00;
      p[1] = first ? (key ? 0x00 : 0x01) : 0x00;
      p[2] = 0;
      p[3] = 0;
      p[4] = keyStart ? 0x9d : 0;
      p[5] = keyStart ? 0x01 : 0;
      p[6] = keyStart ? 0x2a : 0;
      writeStamp(p + 7, nowNs);
      emit(buffer_, header + payload);
      ++count;
      first = false;
    }
    timestamp_ += 90000 / static_cast<uint32_t>(spec_.fps);
    nextDueNs_ += 1'000'000'000 / spec_.fps;
    return count;
  }

  size_t writeHeader(bool marker);
  void writeStamp(uint8_t* at, int64_t nowNs);
  size_t nextFrameSize(bool key);

  StreamSpec spec_;
  int64_t nextDueNs_;
  uint16_t sequenceNumber_;
  uint32_t timestamp_;
  uint32_t stampSequence_ = 0;
  uint32_t random_;
  bool keyFrameWanted_ = true;  // a decoder needs one to start
  alignas(8) uint8_t buffer_[kBufferSize];
};

}  // namespace rooms::loadgen
