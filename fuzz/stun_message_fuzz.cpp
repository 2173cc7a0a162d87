// StunMessage::parse sees every datagram that reaches the media port, so on arbitrary bytes it must not
// crash or read out of bounds, and whatever it accepts must survive being rebuilt and parsed again with
// the same meaning: the ICE server answers from what the parser extracted.
#include <array>
#include <cstddef>
#include <cstdint>

#include "rtc/ice/IceServer.h"
#include "rtc/ice/StunMessage.h"
#include "rtc/ice/StunMessageBuilder.h"

namespace {

using namespace rooms::ice;

constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";  // RFC 5769's, so the seeds verify

class NullListener : public IceServer::Listener {
 public:
  void onIceSelectedTuple(IceServer&, const StunAddress&) override {}
  void onIceStateChanged(IceServer&, IceServer::State) override {}
  void sendStun(IceServer&, const StunAddress&, const uint8_t* bytes, size_t size) override {
    StunMessage reply;
    if (StunMessage::parse(bytes, size, reply) != StunError::None || !reply.verifyFingerprint())
      __builtin_trap();
  }
};

// Attributes after MESSAGE-INTEGRITY were never validated (the parser ignores them), so the rebuild
// leaves them out rather than moving them in front of a new MESSAGE-INTEGRITY.
bool kept(const StunMessage& msg, const StunMessage::Attribute& attr) {
  const auto* integrity = msg.find(stun::kAttrMessageIntegrity);
  return attr.type != stun::kAttrFingerprint && (!integrity || attr.offset < integrity->offset);
}

void rebuildAndCompare(const StunMessage& msg) {
  // Two slots are needed for the MESSAGE-INTEGRITY and FINGERPRINT the rebuild adds.
  size_t count = 0;
  for (const auto& attr : msg.attributes()) count += kept(msg, attr);
  if (count + 2 > StunMessage::kMaxAttributes) return;
  std::array<uint8_t, 2048> buf{};
  StunMessageBuilder b(buf, msg.method(), msg.messageClass(), msg.transactionId());
  for (const auto& attr : msg.attributes()) {
    if (kept(msg, attr)) b.addAttribute(attr.type, attr.value);
  }
  b.addMessageIntegrity(kPassword).addFingerprint();
  const size_t n = b.finish();
  if (n == 0) return;  // the extra attributes may not fit in our buffer; that is the builder's call
  StunMessage again;
  if (StunMessage::parse(buf.data(), n, again) != StunError::None) __builtin_trap();
  if (again.type() != msg.type() || again.transactionId() != msg.transactionId()) __builtin_trap();
  if (!again.verifyMessageIntegrity(kPassword) || !again.verifyFingerprint()) __builtin_trap();
  if (again.username() != msg.username() || again.priority() != msg.priority() ||
      again.useCandidate() != msg.useCandidate() || again.xorMappedAddress() != msg.xorMappedAddress() ||
      again.iceControlling() != msg.iceControlling() || again.iceControlled() != msg.iceControlled() ||
      again.hasUnknownRequiredAttribute() != msg.hasUnknownRequiredAttribute()) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const bool looks = StunMessage::looksLikeStun(data, size);
  StunMessage msg;
  const StunError error = StunMessage::parse(data, size, msg);
  if (error == StunError::None) {
    if (!looks && data[0] <= 3) __builtin_trap();  // a parsed message always passes the demultiplexer
    (void)msg.verifyMessageIntegrity(kPassword);
    (void)msg.verifyFingerprint();
    rebuildAndCompare(msg);
  }
  // The whole request path too, with the RFC 5769 request's credentials.
  NullListener listener;
  IceServer server(listener, {"evtj", std::string(kPassword), "h6vY"});
  server.handleStun(data, size, StunAddress::v4({192, 0, 2, 1}, 32853), 0);
  return 0;
}
