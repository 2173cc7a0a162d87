#include "rtc/rtcp/TransportFeedback.h"

namespace rooms::rtc {

std::optional<TransportFeedback> TransportFeedback::parse(const RtcpPacketView& packet) {
  if (packet.rtcpType() != RtcpType::kRtpFeedback || packet.count != kFmtTransportFeedback)
    return std::nullopt;
  const auto body = packet.body();
  // sender and media SSRC, base sequence number, status count, reference time and feedback packet count
  if (body.size() < 16) return std::nullopt;
  return TransportFeedback(body);
}

}  // namespace rooms::rtc
