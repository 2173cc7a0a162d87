#include "rtc/dtls/DtlsTransport.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <thread>

#include "DtlsTestPeer.h"
#include "rtc/dtls/DtlsRecord.h"

namespace rooms::dtls {
namespace {

using testing::PeerPair;
using testing::pump;
using State = DtlsTransport::State;

TEST(DtlsCertificateTest, GeneratesSelfSignedP256WithFingerprint) {
  auto cert = DtlsCertificate::generate();
  ASSERT_NE(cert->x509(), nullptr);
  ASSERT_NE(cert->privateKey(), nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(cert->privateKey()), EVP_PKEY_EC);
  EXPECT_TRUE(std::regex_match(cert->fingerprintSha256(), std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}")));
  EXPECT_EQ(X509_verify(cert->x509(), cert->privateKey()), 1);
  EXPECT_EQ(X509_check_private_key(cert->x509(), cert->privateKey()), 1);
  // Valid now, not valid in 31 days.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert->x509())), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert->x509())), 0);
  time_t later = time(nullptr) + 31 * 86400;
  EXPECT_LT(X509_cmp_time(X509_get0_notAfter(cert->x509()), &later), 0);
  char cn[64] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert->x509()), NID_commonName, cn, sizeof(cn));
  EXPECT_STREQ(cn, "roomsd");
  auto other = DtlsCertificate::generate();
  EXPECT_NE(other->fingerprintSha256(), cert->fingerprintSha256());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(cert->x509()), X509_get0_serialNumber(other->x509())), 0);
}

TEST(DtlsTransportTest, HandshakeConnectsBothSidesWithMirroredKeys) {
  PeerPair p;
  EXPECT_EQ(p.client.transport.state(), State::New);
  p.start();
  EXPECT_EQ(p.client.transport.state(), State::Connecting);
  EXPECT_EQ(p.server.transport.state(), State::Connecting);
  ASSERT_EQ(p.client.outbox.size(), 1u);  // the ClientHello
  // Every datagram fits the MTU.
  for (const auto& d : p.client.outbox) EXPECT_LE(d.size(), static_cast<size_t>(DtlsTransport::kMtu));
  // Keep one ClientHello as a fuzz seed when asked to (ROOMS_DTLS_SEED_DIR=fuzz/corpus/...).
  if (const char* dir = std::getenv("ROOMS_DTLS_SEED_DIR")) {
    std::ofstream(std::string(dir) + "/client_hello.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(p.client.outbox.front().data()),
               static_cast<std::streamsize>(p.client.outbox.front().size()));
  }
  pump(p.client, p.server);
  ASSERT_EQ(p.client.transport.state(), State::Connected) << p.client.failure;
  ASSERT_EQ(p.server.transport.state(), State::Connected) << p.server.failure;
  EXPECT_EQ(p.client.connectedCount, 1);
  EXPECT_EQ(p.server.connectedCount, 1);
  // Both offer GCM first, so GCM it is.
  EXPECT_EQ(p.client.profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(p.server.profile, SrtpProfile::AeadAes128Gcm);
  EXPECT_EQ(p.client.localKey.size(), 28u);
  EXPECT_EQ(p.client.localKey, p.server.remoteKey);
  EXPECT_EQ(p.client.remoteKey, p.server.localKey);
  EXPECT_NE(p.client.localKey, p.client.remoteKey);
  EXPECT_EQ(p.client.failedCount + p.server.failedCount, 0);
}

TEST(DtlsTransportTest, WrongFingerprintFailsTheCheckingSide) {
  PeerPair p;
  auto stranger = DtlsCertificate::generate();
  p.client.transport.setRemoteFingerprint("sha-256", stranger->fingerprintSha256());
  p.connect();
  EXPECT_EQ(p.client.transport.state(), State::Failed);
  EXPECT_EQ(p.client.failedCount, 1);
  EXPECT_NE(p.client.failure.find("does not match"), std::string::npos) << p.client.failure;
  EXPECT_EQ(p.client.connectedCount, 0);
  // The client's alert ends the server's handshake too.
  EXPECT_EQ(p.server.transport.state(), State::Failed);
  EXPECT_EQ(p.server.connectedCount, 0);
}

TEST(DtlsTransportTest, ServerChecksTheClientCertificate) {
  PeerPair p;
  auto stranger = DtlsCertificate::generate();
  p.server.transport.setRemoteFingerprint("SHA-256", stranger->fingerprintSha256());
  p.connect();
  EXPECT_EQ(p.server.transport.state(), State::Failed);
  EXPECT_NE(p.server.failure.find("does not match"), std::string::npos) << p.server.failure;
  EXPECT_NE(p.client.transport.state(), State::Connected);
  EXPECT_EQ(p.server.connectedCount, 0);
}

TEST(DtlsTransportTest, MissingFingerprintFails) {
  testing::TestPeer client(DtlsCertificate::generate(), DtlsTransport::Role::Client);
  testing::TestPeer server(DtlsCertificate::generate(), DtlsTransport::Role::Server);
  server.transport.setRemoteFingerprint("sha-256", client.cert->fingerprintSha256());
  server.transport.start(0);
  client.transport.start(0);
  pump(client, server);
  EXPECT_EQ(client.transport.state(), State::Failed);
  EXPECT_NE(client.failure.find("no remote fingerprint"), std::string::npos) << client.failure;
}

TEST(DtlsTransportTest, OtherFingerprintAlgorithmsAndLowerCaseHex) {
  PeerPair p;
  std::string sha1 = DtlsCertificate::fingerprint(p.server.cert->x509(), EVP_sha1());
  std::string sha512 = DtlsCertificate::fingerprint(p.client.cert->x509(), EVP_sha512());
  for (auto& c : sha512) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  p.client.transport.setRemoteFingerprint("sha-1", sha1);
  p.server.transport.setRemoteFingerprint("sha-512", sha512);
  p.connect();
  EXPECT_EQ(p.client.transport.state(), State::Connected) << p.client.failure;
  EXPECT_EQ(p.server.transport.state(), State::Connected) << p.server.failure;
}

TEST(DtlsTransportTest, UnsupportedFingerprintAlgorithmFails) {
  PeerPair p;
  p.client.transport.setRemoteFingerprint("md5", "00:11");
  p.connect();
  EXPECT_EQ(p.client.transport.state(), State::Failed);
  EXPECT_NE(p.client.failure.find("md5"), std::string::npos) << p.client.failure;
}

TEST(DtlsTransportTest, GarbageIsDroppedWithoutStateChange) {
  PeerPair p;
  p.start();
  std::vector<std::vector<uint8_t>> junk = {
      {},
      {22},
      std::vector<uint8_t>(13, 22),                                      // length 0 record, version 0x1616
      {22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 1, 2, 3},          // truncated fragment
      {99, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},                    // unknown content type
      {22, 0xFE, 0xFD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF},  // well framed nonsense
      {23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 7, 0, 4, 1, 2, 3, 4},        // app data before keys
      {21, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40},             // "encrypted" alert, epoch 1
  };
  // Ciphertext-sized junk gets to OpenSSL, which must drop it (it fails authentication).
  std::vector<uint8_t> forged = {23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 9, 0, 40};
  forged.resize(13 + 40, 0x5A);
  junk.push_back(forged);
  forged[0] = 21;
  junk.push_back(forged);
  for (const auto& d : junk) {
    p.server.transport.handleDatagram(d.data(), d.size(), 0);
    p.client.transport.handleDatagram(d.data(), d.size(), 0);
  }
  p.server.transport.handleDatagram(nullptr, 0, 0);
  EXPECT_EQ(p.server.transport.state(), State::Connecting) << p.server.failure;
  EXPECT_EQ(p.client.transport.state(), State::Connecting) << p.client.failure;
  pump(p.client, p.server);
  EXPECT_EQ(p.client.transport.state(), State::Connected) << p.client.failure;
  EXPECT_EQ(p.server.transport.state(), State::Connected) << p.server.failure;
  // And once connected.
  for (const auto& d : junk) p.server.transport.handleDatagram(d.data(), d.size(), 0);
  EXPECT_EQ(p.server.transport.state(), State::Connected) << p.server.failure;
  EXPECT_EQ(p.client.failedCount + p.server.failedCount, 0);
  // Still working: the close_notify gets through.
  p.server.transport.close();
  pump(p.client, p.server);
  EXPECT_EQ(p.client.closedCount, 1) << DtlsTransport::toString(p.client.transport.state()) << " "
                                     << p.client.failure;
}

TEST(DtlsTransportTest, RetransmitsWhenTheFirstFlightIsLost) {
  PeerPair p;
  p.client.transport.setInitialRetransmitTimeoutMs(100);
  p.start();
  ASSERT_EQ(p.client.outbox.size(), 1u);
  p.client.outbox.clear();  // the ClientHello is lost
  const int64_t timeout = p.client.transport.retransmitTimeoutMs();
  ASSERT_GE(timeout, 0);
  ASSERT_LE(timeout, 100);
  p.client.transport.tick(0);
  EXPECT_TRUE(p.client.outbox.empty());  // too early
  // OpenSSL keeps the timer on its own clock, so wait for real.
  std::this_thread::sleep_for(std::chrono::milliseconds(timeout + 20));
  p.client.transport.tick(timeout + 20);
  ASSERT_EQ(p.client.outbox.size(), 1u);
  pump(p.client, p.server);
  EXPECT_EQ(p.client.transport.state(), State::Connected) << p.client.failure;
  EXPECT_EQ(p.server.transport.state(), State::Connected) << p.server.failure;
}

TEST(DtlsTransportTest, HandshakeTimesOut) {
  PeerPair p;
  p.start();
  p.client.outbox.clear();
  p.client.transport.tick(DtlsTransport::kHandshakeTimeoutMs - 1);
  EXPECT_EQ(p.client.transport.state(), State::Connecting);
  p.client.transport.tick(DtlsTransport::kHandshakeTimeoutMs);
  EXPECT_EQ(p.client.transport.state(), State::Failed);
  EXPECT_EQ(p.client.failure, "DTLS handshake timed out");
  // A server that never hears from a client times out the same way.
  p.server.transport.tick(DtlsTransport::kHandshakeTimeoutMs);
  EXPECT_EQ(p.server.transport.state(), State::Failed);
}

TEST(DtlsTransportTest, CloseSendsCloseNotify) {
  PeerPair p;
  p.connect();
  ASSERT_EQ(p.server.transport.state(), State::Connected);
  p.server.transport.close();
  EXPECT_EQ(p.server.transport.state(), State::Closed);
  EXPECT_EQ(p.server.closedCount, 0);  // no callback for our own close
  ASSERT_FALSE(p.server.outbox.empty());
  pump(p.client, p.server);
  EXPECT_EQ(p.client.transport.state(), State::Closed);
  EXPECT_EQ(p.client.closedCount, 1);
  EXPECT_EQ(p.client.failedCount, 0);
}

TEST(DtlsTransportTest, LostServerFinishedIsRecoveredByClientRetransmission) {
  PeerPair p;
  p.client.transport.setInitialRetransmitTimeoutMs(50);
  p.start();
  // Run the handshake by hand and lose the server's last flight once.
  bool dropped = false;
  for (int round = 0; round < 20 && p.client.transport.state() != State::Connected; ++round) {
    while (!p.client.outbox.empty()) {
      auto d = std::move(p.client.outbox.front());
      p.client.outbox.pop_front();
      p.server.transport.handleDatagram(d.data(), d.size(), 0);
    }
    if (!dropped && p.server.transport.state() == State::Connected) {
      p.server.outbox.clear();
      dropped = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(80));
      p.client.transport.tick(80);
      continue;
    }
    while (!p.server.outbox.empty()) {
      auto d = std::move(p.server.outbox.front());
      p.server.outbox.pop_front();
      p.client.transport.handleDatagram(d.data(), d.size(), 0);
    }
  }
  EXPECT_TRUE(dropped);
  EXPECT_EQ(p.client.transport.state(), State::Connected) << p.client.failure;
  EXPECT_EQ(p.server.connectedCount, 1);
  EXPECT_EQ(p.client.localKey, p.server.remoteKey);
}

// A listener may call back into the transport from a callback: here the server closes as soon as it
// connects, and its close_notify must go out after the flight that finished the handshake.
class ClosingPeer : public testing::TestPeer {
 public:
  using TestPeer::TestPeer;
  void onDtlsConnected(DtlsTransport& t, SrtpProfile p, std::span<const uint8_t> local,
                       std::span<const uint8_t> remote) override {
    TestPeer::onDtlsConnected(t, p, local, remote);
    transport.close();
  }
};

TEST(DtlsTransportTest, ListenerMayCloseFromACallback) {
  testing::TestPeer client(DtlsCertificate::generate(), DtlsTransport::Role::Client);
  ClosingPeer server(DtlsCertificate::generate(), DtlsTransport::Role::Server);
  client.transport.setRemoteFingerprint("sha-256", server.cert->fingerprintSha256());
  server.transport.setRemoteFingerprint("sha-256", client.cert->fingerprintSha256());
  server.transport.start(0);
  client.transport.start(0);
  pump(client, server);
  EXPECT_EQ(server.connectedCount, 1);
  EXPECT_EQ(server.transport.state(), State::Closed);
  EXPECT_EQ(client.connectedCount, 1) << client.failure;
  EXPECT_EQ(client.closedCount, 1);
  EXPECT_EQ(client.transport.state(), State::Closed);
}

TEST(DtlsTransportTest, StateMachine) {
  EXPECT_TRUE(DtlsTransport::canTransition(State::New, State::Connecting));
  EXPECT_TRUE(DtlsTransport::canTransition(State::Connecting, State::Connected));
  EXPECT_TRUE(DtlsTransport::canTransition(State::Connected, State::Closed));
  EXPECT_FALSE(DtlsTransport::canTransition(State::Connected, State::Connecting));
  EXPECT_FALSE(DtlsTransport::canTransition(State::Failed, State::Connecting));
  EXPECT_FALSE(DtlsTransport::canTransition(State::Closed, State::Connected));
  EXPECT_STREQ(DtlsTransport::toString(State::Connected), "connected");
}

TEST(DtlsTransportTest, LooksLikeDtls) {
  std::vector<uint8_t> d(13, 0);
  d[0] = 22;
  EXPECT_TRUE(DtlsTransport::looksLikeDtls(d.data(), d.size()));
  EXPECT_FALSE(DtlsTransport::looksLikeDtls(d.data(), 12));
  d[0] = 19;
  EXPECT_FALSE(DtlsTransport::looksLikeDtls(d.data(), d.size()));
  d[0] = 64;
  EXPECT_FALSE(DtlsTransport::looksLikeDtls(d.data(), d.size()));
  d[0] = 63;
  EXPECT_TRUE(DtlsTransport::looksLikeDtls(d.data(), d.size()));
  EXPECT_FALSE(DtlsTransport::looksLikeDtls(nullptr, 13));
}

}  // namespace
}  // namespace rooms::dtls
