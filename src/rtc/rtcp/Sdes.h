#pragma once
// RTCP SDES (RFC 3550 section 6.5). The SFU only needs CNAME, which ties a participant's audio and video
// SSRCs together for lip sync, but every item is walked so other types are skipped correctly.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class Sdes {
 public:
  static constexpr uint8_t kCname = 1;
  static constexpr size_t kMaxItemLength = 255;

  // Accepts the packet only if all `count` chunks and their items are inside it and null-terminated.
  static std::optional<Sdes> parse(const RtcpPacketView& packet);

  size_t chunkCount() const { return chunkCount_; }
  // Calls fn(uint32_t ssrc, uint8_t type, std::string_view text) for every item of every chunk.
  template <typename Fn>
  void forEachItem(Fn&& fn) const {
    walk(body_, chunkCount_, fn);
  }
  // The CNAME of `ssrc`, if one of the chunks carries it; the view points into the packet.
  std::optional<std::string_view> cname(uint32_t ssrc) const;

  // One chunk with a CNAME item; returns bytes written, or 0 if it does not fit or cname is over 255 bytes.
  static size_t writeCname(std::span<uint8_t> out, uint32_t ssrc, std::string_view cname);

 private:
  Sdes(std::span<const uint8_t> body, size_t chunkCount) : body_(body), chunkCount_(chunkCount) {}

  template <typename Fn>
  static bool walk(std::span<const uint8_t> body, size_t chunks, Fn&& fn);

  std::span<const uint8_t> body_;
  size_t chunkCount_ = 0;
};

template <typename Fn>
bool Sdes::walk(std::span<const uint8_t> body, size_t chunks, Fn&& fn) {
  const uint8_t* b = body.data();
  const size_t n = body.size();
  size_t i = 0;
  for (size_t c = 0; c < chunks; ++c) {
    if (i + 4 > n) return false;
    const uint32_t ssrc = read32(b + i);
    i += 4;
    for (;;) {
      if (i >= n) return false;  // a chunk must end with a null item
      const uint8_t type = b[i];
      if (type == 0) {
        // The null item is followed by nulls up to the next 32-bit boundary (the body starts on one).
        i = (i + 1 + 3) & ~static_cast<size_t>(3);
        break;
      }
      if (i + 2 > n) return false;
      const size_t length = b[i + 1];
      if (i + 2 + length > n) return false;
      fn(ssrc, type, std::string_view(reinterpret_cast<const char*>(b + i + 2), length));
      i += 2 + length;
    }
  }
  return true;
}

}  // namespace rooms::rtc
