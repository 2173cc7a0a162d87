#pragma once
// Two DtlsTransports talking through memory, for the DTLS and SRTP tests.
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/dtls/DtlsTransport.h"

namespace rooms::dtls::testing {

class TestPeer : public DtlsTransport::Listener {
 public:
  TestPeer(std::shared_ptr<const DtlsCertificate> cert, DtlsTransport::Role role)
      : cert(std::move(cert)), transport(*this, this->cert, role) {}

  void onDtlsSend(DtlsTransport&, const uint8_t* data, size_t size) override {
    outbox.emplace_back(data, data + size);
    ++sentCount;
  }
  void onDtlsConnected(DtlsTransport&, SrtpProfile p, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    ++connectedCount;
    profile = p;
    localKey.assign(local.begin(), local.end());
    remoteKey.assign(remote.begin(), remote.end());
  }
  void onDtlsFailed(DtlsTransport&, const std::string& reason) override {
    ++failedCount;
    failure = reason;
  }
  void onDtlsClosed(DtlsTransport&) override { ++closedCount; }

  std::shared_ptr<const DtlsCertificate> cert;
  DtlsTransport transport;
  std::deque<std::vector<uint8_t>> outbox;
  size_t sentCount = 0;
  int connectedCount = 0;
  int failedCount = 0;
  int closedCount = 0;
  SrtpProfile profile = SrtpProfile::None;
  std::vector<uint8_t> localKey;
  std::vector<uint8_t> remoteKey;
  std::string failure;
};

// Delivers queued datagrams both ways until neither side has anything left to say.
inline void pump(TestPeer& a, TestPeer& b, int64_t nowMs = 0) {
  for (int round = 0; round < 100 && (!a.outbox.empty() || !b.outbox.empty()); ++round) {
    while (!a.outbox.empty()) {
      auto d = std::move(a.outbox.front());
      a.outbox.pop_front();
      b.transport.handleDatagram(d.data(), d.size(), nowMs);
    }
    while (!b.outbox.empty()) {
      auto d = std::move(b.outbox.front());
      b.outbox.pop_front();
      a.transport.handleDatagram(d.data(), d.size(), nowMs);
    }
  }
}

// A client and a server, each with its own certificate and the other's fingerprint, both started.
struct PeerPair {
  PeerPair()
      : client(DtlsCertificate::generate(), DtlsTransport::Role::Client),
        server(DtlsCertificate::generate(), DtlsTransport::Role::Server) {
    client.transport.setRemoteFingerprint("sha-256", server.cert->fingerprintSha256());
    server.transport.setRemoteFingerprint("sha-256", client.cert->fingerprintSha256());
  }
  void start() {
    server.transport.start(0);
    client.transport.start(0);
  }
  void connect() {
    start();
    pump(client, server);
  }
  TestPeer client;
  TestPeer server;
};

}  // namespace rooms::dtls::testing
