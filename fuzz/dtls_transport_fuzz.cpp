// A server-role DtlsTransport fed arbitrary datagrams, as an attacker who can reach the media port
// could: nothing may crash, leak, or throw, and the transport must stay within its state machine. The
// input is a sequence of datagrams, each a 2-byte big-endian length and that many bytes (a short last
// one takes what is left). Every 8th datagram also ticks the clock forward.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/dtls/DtlsContext.h"
#include "rtc/dtls/DtlsTransport.h"

namespace {

using namespace rooms::dtls;

class CheckingListener : public DtlsTransport::Listener {
 public:
  void onDtlsSend(DtlsTransport&, const uint8_t* data, size_t size) override {
    if (!data || size == 0 || size > static_cast<size_t>(DtlsTransport::kMtu)) __builtin_trap();
  }
  void onDtlsConnected(DtlsTransport& t, SrtpProfile profile, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    // Only a peer holding the client certificate's key could get here.
    if (t.state() != DtlsTransport::State::Connected || profile == SrtpProfile::None ||
        local.size() != srtpKeyMaterialLength(profile) || remote.size() != local.size()) {
      __builtin_trap();
    }
  }
  void onDtlsFailed(DtlsTransport& t, const std::string& reason) override {
    if (t.state() != DtlsTransport::State::Failed || reason.empty()) __builtin_trap();
  }
  void onDtlsClosed(DtlsTransport& t) override {
    if (t.state() != DtlsTransport::State::Closed) __builtin_trap();
  }
};

struct Fixture {
  Fixture() : server(DtlsCertificate::generate()), client(DtlsCertificate::generate()) {
    std::string error;
    // Held for the whole run, so that every input reuses one SSL_CTX as transports in roomsd do.
    context = DtlsContext::forCertificate(server, error);
    if (!context) __builtin_trap();
  }
  std::shared_ptr<const DtlsCertificate> server;
  std::shared_ptr<const DtlsCertificate> client;
  std::shared_ptr<DtlsContext> context;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  CheckingListener listener;
  DtlsTransport transport(listener, fixture.server, DtlsTransport::Role::Server);
  transport.setRemoteFingerprint("sha-256", fixture.client->fingerprintSha256());
  transport.start(0);
  int64_t nowMs = 0;
  size_t offset = 0;
  for (int n = 0; offset + 2 <= size; ++n) {
    size_t length = (static_cast<size_t>(data[offset]) << 8) | data[offset + 1];
    offset += 2;
    if (length > size - offset) length = size - offset;
    // An exact-size copy so that ASan catches any read past the datagram.
    const std::vector<uint8_t> datagram(data + offset, data + offset + length);
    offset += length;
    if (DtlsTransport::looksLikeDtls(datagram.data(), datagram.size())) {
      transport.handleDatagram(datagram.data(), datagram.size(), nowMs);
    }
    if (n % 8 == 7) {
      nowMs += 5000;
      transport.tick(nowMs);
    }
  }
  transport.close();
  if (transport.state() != DtlsTransport::State::Closed &&
      transport.state() != DtlsTransport::State::Failed) {
    __builtin_trap();
  }
  return 0;
}
