#pragma once
// H264 over RTP, packetization mode 1 (RFC 6184): single NAL unit packets, STAP-A aggregates and FU-A
// fragments, which is all a browser sends. The frame is the access unit, the packets of one timestamp up to
// the marker bit, written as Annex B (a 4-byte start code before each NAL unit) for the file writer.
//
// A packet carries no "first of the access unit" flag, so after a loss (and at the start of the stream) an
// access unit is only accepted from a packet that opens one: an access unit delimiter, SEI, SPS or PPS, or
// the slice that begins the picture (first_mb_in_slice 0). Otherwise its first packets may be the lost ones.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "recording/Depacketizer.h"
#include "recording/FrameAssembler.h"

namespace rooms::recording {

class H264Depacketizer final : public Depacketizer {
 public:
  static constexpr size_t kMaxFrameSize = size_t{4} << 20;
  // Real parameter sets are tens of bytes; this bounds what is kept between frames.
  static constexpr size_t kMaxParameterSetSize = 1024;

  // maxFrameSize: a smaller bound for tests and fuzzing.
  explicit H264Depacketizer(size_t maxFrameSize = kMaxFrameSize);

  // Refused as malformed: an empty payload, a NAL unit header with the forbidden bit set, NAL types 0 and
  // 30-31, STAP-B, MTAP16, MTAP24 and FU-B (interleaved mode only), a STAP-A whose sizes do not add up or
  // that holds an empty or aggregate unit, an FU-A with both S and E set, no data or a fragment type that is
  // not a plain NAL unit (or changes midway), and a parameter set over kMaxParameterSetSize.
  std::optional<MediaFrame> push(const RtpInput& packet, bool gapBefore) override;
  // Keeps the parameter sets: they stay valid for the frames that follow.
  void reset() override;
  uint64_t malformed() const override { return assembler_.malformed(); }
  uint64_t incompleteFrames() const override { return assembler_.incompleteFrames(); }

  // The most recent SPS and PPS of an emitted access unit (raw NAL units, no start code; empty until one
  // was seen), for the codec private data. Valid until the next push().
  std::span<const uint8_t> sps() const { return sps_; }
  std::span<const uint8_t> pps() const { return pps_; }

 private:
  bool appendNalUnit(std::span<const uint8_t> nal);
  bool onNalUnitComplete(size_t at);
  MediaFrame finish(int64_t arrivalMs);

  FrameAssembler assembler_;
  // The FU-A under assembly: where its NAL unit starts in the frame and its type.
  bool inFragment_ = false;
  size_t fragmentAt_ = 0;
  uint8_t fragmentType_ = 0;
  // The open access unit's contents.
  bool idr_ = false;
  size_t spsAt_ = 0;
  size_t spsSize_ = 0;
  size_t ppsAt_ = 0;
  size_t ppsSize_ = 0;
  std::vector<uint8_t> sps_;
  std::vector<uint8_t> pps_;
};

}  // namespace rooms::recording
