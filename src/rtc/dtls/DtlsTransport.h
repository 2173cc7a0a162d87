#pragma once
// One DTLS 1.2 association of a peer connection (RFC 6347), for DTLS-SRTP keying (RFC 5764) and, later,
// the data channel's SCTP. OpenSSL runs the handshake; this class feeds it datagrams through memory BIOs
// and hands its output to the Listener, so the caller owns the socket and the clock, as with IceServer.
// The peer is authenticated by the certificate fingerprint from its SDP, not by a CA.
// Not thread-safe; one instance belongs to the thread that owns the peer.
#include <openssl/ssl.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/dtls/DtlsContext.h"
#include "rtc/dtls/SrtpProfile.h"

namespace rooms::dtls {

class DtlsTransport : private DtlsContext::PeerVerifier {
 public:
  enum class Role { Server, Client };
  enum class State { New, Connecting, Connected, Failed, Closed };

  // Callbacks come after the OpenSSL call that caused them has returned, so a listener may call back
  // into the transport (close() from onDtlsConnected, say). It must not destroy the transport during a
  // callback.
  class Listener {
   public:
    virtual ~Listener() = default;
    // One datagram to send to the peer. data is valid only during the call.
    virtual void onDtlsSend(DtlsTransport& transport, const uint8_t* data, size_t size) = 0;
    // The handshake is done and the peer is who its fingerprint says. The keying material exported with
    // the "EXTRACTOR-dtls_srtp" label, split per RFC 5764 4.2: local is what this side protects with
    // (its write key||salt), remote what the peer protects with. Valid only during the call.
    virtual void onDtlsConnected(DtlsTransport& transport, SrtpProfile profile,
                                 std::span<const uint8_t> localKeyMaterial,
                                 std::span<const uint8_t> remoteKeyMaterial) = 0;
    virtual void onDtlsFailed(DtlsTransport& transport, const std::string& reason) = 0;
    // The peer sent close_notify.
    virtual void onDtlsClosed(DtlsTransport& transport) = 0;
  };

  // What browsers tolerate on the paths we see; OpenSSL packs handshake messages into datagrams of at
  // most this size, fragmenting the certificate if it must.
  static constexpr int kMtu = 1200;
  // A handshake not done by then has failed (as in browsers, whose ICE consent would lapse anyway).
  static constexpr int64_t kHandshakeTimeoutMs = 30000;
  static constexpr int kDefaultInitialRetransmitMs = 1000;  // RFC 6347 4.2.4.1
  static constexpr int kMaxRetransmitMs = 60000;

  // Never throws: if OpenSSL cannot set the association up, start() reports the failure.
  DtlsTransport(Listener& listener, std::shared_ptr<const DtlsCertificate> cert, Role role);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // The a=fingerprint of the peer's SDP: algorithm "sha-256" (or sha-1, sha-384, sha-512, any case) and
  // hex bytes with or without colons. Must be set before the peer's certificate arrives; a certificate
  // that does not match fails the handshake.
  void setRemoteFingerprint(std::string algorithm, std::string hex);
  // How long the first retransmission waits; it then doubles up to kMaxRetransmitMs. Before start().
  void setInitialRetransmitTimeoutMs(int ms);

  // Client: sends the ClientHello. Server: waits for it (datagrams before start() are dropped).
  void start(int64_t nowMs);
  // A datagram from the peer that looksLikeDtls(). Datagrams that are not well-formed DTLS records are
  // dropped before OpenSSL sees them; so is anything once Failed or Closed.
  void handleDatagram(const uint8_t* data, size_t size, int64_t nowMs);
  // Retransmits handshake flights whose timer ran out and fails a handshake older than
  // kHandshakeTimeoutMs. Call at least as often as retransmitTimeoutMs() asks while Connecting.
  void tick(int64_t nowMs);
  // Sends close_notify if connected; -> Closed. No callback.
  void close();

  State state() const { return state_; }
  Role role() const { return role_; }
  SrtpProfile srtpProfile() const { return profile_; }
  const std::string& failureReason() const { return failureReason_; }
  // Milliseconds until OpenSSL's retransmission timer runs out (0: now), -1 if none is running.
  // OpenSSL keeps that timer on its own wall clock, not on the nowMs given here.
  int64_t retransmitTimeoutMs() const;

  static bool canTransition(State from, State to);
  static const char* toString(State state);
  static const char* toString(Role role);
  // RFC 7983 demultiplexing: a first byte of 20..63, and room for at least one record header.
  static bool looksLikeDtls(const uint8_t* data, size_t size);

 private:
  // Events raised inside OpenSSL calls, passed on to the listener by deliver(). A connect and a failure
  // or close can come out of one datagram; three slots cover every sequence the state machine allows.
  enum class Event { Connected, Failed, Closed };

  bool verifyPeerCertificate(X509* cert) override;
  static BIO_METHOD* outputMethod();
  static int bioWrite(BIO* bio, const char* data, int size);
  static long bioCtrl(BIO* bio, int cmd, long num, void* ptr);
  static unsigned int timerCallback(SSL* ssl, unsigned int previousUs);

  bool setState(State next);
  void raise(Event event);
  void fail(std::string reason);
  // After SSL_do_handshake: Connected, still going, or failed.
  void checkHandshake(int result);
  void onHandshakeDone();
  void readApplicationData();
  // Sends what OpenSSL wrote and raises pending events, unless already doing so further up the stack.
  void deliver();

  struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
  };

  Listener& listener_;
  Role role_;
  State state_ = State::New;
  std::shared_ptr<DtlsContext> context_;
  std::unique_ptr<SSL, SslDeleter> ssl_;
  BIO* readBio_ = nullptr;  // owned by ssl_
  std::string setupError_;  // why ssl_ is missing, reported by start()

  const EVP_MD* remoteDigest_ = nullptr;
  std::vector<uint8_t> remoteFingerprint_;
  std::string remoteFingerprintError_;
  std::string verifyError_;  // set by the verify callback, so the failure says more than OpenSSL's alert

  int initialRetransmitMs_ = kDefaultInitialRetransmitMs;
  int64_t startMs_ = 0;

  // Datagrams OpenSSL wrote during the current call. Slots are reused, so steady state allocates nothing.
  std::vector<std::vector<uint8_t>> outbox_;
  size_t outboxCount_ = 0;
  bool delivering_ = false;
  std::array<Event, 3> events_{};
  size_t eventCount_ = 0;
  std::string failureReason_;

  SrtpProfile profile_ = SrtpProfile::None;
  std::array<uint8_t, kMaxSrtpKeyMaterialLength> localKey_{};
  std::array<uint8_t, kMaxSrtpKeyMaterialLength> remoteKey_{};
  std::array<uint8_t, 2048> readBuffer_{};  // application data is read and dropped until SCTP exists
};

}  // namespace rooms::dtls
