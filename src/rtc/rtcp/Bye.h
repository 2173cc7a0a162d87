#pragma once
// RTCP BYE (RFC 3550 section 6.6): the SSRCs that are leaving and an optional reason.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class Bye {
 public:
  static std::optional<Bye> parse(const RtcpPacketView& packet);

  size_t ssrcCount() const { return ssrcCount_; }
  uint32_t ssrc(size_t index) const { return index < ssrcCount_ ? read32(body_.data() + 4 * index) : 0; }
  std::string_view reason() const { return reason_; }

  // Returns bytes written, or 0 if it does not fit, has more than 31 SSRCs or a reason over 255 bytes.
  static size_t write(std::span<uint8_t> out, std::span<const uint32_t> ssrcs, std::string_view reason = {});

 private:
  Bye(std::span<const uint8_t> body, size_t ssrcCount, std::string_view reason)
      : body_(body), ssrcCount_(ssrcCount), reason_(reason) {}

  std::span<const uint8_t> body_;
  size_t ssrcCount_ = 0;
  std::string_view reason_;
};

}  // namespace rooms::rtc
