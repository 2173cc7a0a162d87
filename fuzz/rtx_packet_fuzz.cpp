// RTX from the network: whatever RtpPacket::parse accepts, RtxPacket::restore must turn into a packet that
// stays inside the input, and wrapping that packet again must give back the RTX packet's bytes (but for
// the fields wrap sets). The restored sequence numbers then go through a NackGenerator, which must keep
// its list bounded whatever order they come in.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "rtc/rtp/NackGenerator.h"
#include "rtc/rtp/RtpPacket.h"
#include "rtc/rtp/RtxPacket.h"

using namespace rooms::rtc;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  const std::vector<uint8_t> original = bytes;
  auto rtx = RtpPacket::parse(bytes.data(), bytes.size());
  NackGenerator nack;
  // The input, two bytes at a time, as a stream of sequence numbers 10 ms apart.
  std::array<uint16_t, 64> due{};
  for (size_t i = 0; i + 1 < size; i += 2) {
    nack.onPacket(static_cast<uint16_t>((data[i] << 8) | data[i + 1]), static_cast<int64_t>(i) * 5);
    const size_t n = nack.collect(static_cast<int64_t>(i) * 5, data[i], due);
    if (n > due.size() || nack.missingCount() > NackGenerator::kCapacity) __builtin_trap();
  }
  if (!rtx) return 0;
  const uint16_t rtxSeq = rtx->sequenceNumber();
  const uint8_t rtxPt = rtx->payloadType();
  const uint32_t rtxSsrc = rtx->ssrc();
  auto restored = RtxPacket::restore(*rtx, 0x11223344, 96);
  if (!restored) return 0;
  const uint8_t* begin = bytes.data();
  if (restored->data() < begin || restored->data() + restored->size() != begin + bytes.size())
    __builtin_trap();
  if (restored->size() + RtxPacket::kOsnSize != size) __builtin_trap();
  std::array<uint8_t, 70000> again{};
  const size_t n = RtxPacket::wrap({restored->data(), restored->size()}, rtxSsrc, rtxPt, rtxSeq, again.data(),
                                   again.size());
  if (n != size) __builtin_trap();
  for (size_t i = 0; i < n; ++i) {
    if (again[i] != original[i]) __builtin_trap();
  }
  return 0;
}
