#include "rtc/dtls/DtlsTransport.h"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <utility>

#include "rtc/dtls/DtlsRecord.h"

namespace rooms::dtls {

namespace {

constexpr char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 4.2

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The hash function names of RFC 8122 5 (from the IANA "Hash Function Textual Names" registry).
const EVP_MD* digestByName(const std::string& name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "sha-256") return EVP_sha256();
  if (lower == "sha-1") return EVP_sha1();
  if (lower == "sha-384") return EVP_sha384();
  if (lower == "sha-512") return EVP_sha512();
  return nullptr;
}

}  // namespace

DtlsTransport::DtlsTransport(Listener& listener, std::shared_ptr<const DtlsCertificate> cert, Role role)
    : listener_(listener), role_(role) {
  context_ = DtlsContext::forCertificate(cert, setupError_);
  if (!context_) return;
  ERR_clear_error();
  ssl_.reset(SSL_new(context_->get()));
  if (!ssl_) {
    setupError_ = takeOpenSslErrors("SSL_new failed");
    return;
  }
  BIO* readBio = BIO_new(BIO_s_mem());
  BIO* writeBio = outputMethod() ? BIO_new(outputMethod()) : nullptr;
  if (!readBio || !writeBio) {
    BIO_free(readBio);
    BIO_free(writeBio);
    ssl_.reset();
    setupError_ = takeOpenSslErrors("BIO_new failed");
    return;
  }
  // An empty read BIO means "wait for the next datagram", not end of stream.
  BIO_set_mem_eof_return(readBio, -1);
  BIO_set_data(writeBio, this);
  SSL_set_bio(ssl_.get(), readBio, writeBio);  // ssl_ owns both from here
  readBio_ = readBio;
  SSL_set_app_data(ssl_.get(), static_cast<DtlsContext::PeerVerifier*>(this));
  SSL_set_mtu(ssl_.get(), kMtu);
  DTLS_set_link_mtu(ssl_.get(), kMtu);
  DTLS_set_timer_cb(ssl_.get(), timerCallback);
}

DtlsTransport::~DtlsTransport() = default;

const char* DtlsTransport::toString(State state) {
  switch (state) {
    case State::New:
      return "new";
    case State::Connecting:
      return "connecting";
    case State::Connected:
      return "connected";
    case State::Failed:
      return "failed";
    case State::Closed:
      return "closed";
  }
  return "unknown";
}

const char* DtlsTransport::toString(Role role) {
  return role == Role::Server ? "server" : "client";
}

bool DtlsTransport::canTransition(State from, State to) {
  switch (from) {
    case State::New:
      return to == State::Connecting || to == State::Failed || to == State::Closed;
    case State::Connecting:
      return to == State::Connected || to == State::Failed || to == State::Closed;
    case State::Connected:
      return to == State::Failed || to == State::Closed;
    case State::Failed:
    case State::Closed:
      // Terminal: new keys need a new association (a new transport), as in RTCDtlsTransport.
      return false;
  }
  return false;
}

bool DtlsTransport::setState(State next) {
  if (next == state_) return true;
  if (!canTransition(state_, next)) return false;
  state_ = next;
  return true;
}

bool DtlsTransport::looksLikeDtls(const uint8_t* data, size_t size) {
  return data && size >= DtlsRecord::kHeaderSize && data[0] >= 20 && data[0] <= 63;
}

void DtlsTransport::setRemoteFingerprint(std::string algorithm, std::string hex) {
  remoteDigest_ = nullptr;
  remoteFingerprint_.clear();
  remoteFingerprintError_.clear();
  const EVP_MD* md = digestByName(algorithm);
  if (!md) {
    remoteFingerprintError_ = "unsupported fingerprint algorithm '" + algorithm + "'";
    return;
  }
  int high = -1;
  for (char c : hex) {
    if (c == ':' && high < 0) continue;
    const int v = hexValue(c);
    if (v < 0) {
      remoteFingerprintError_ = "malformed remote fingerprint";
      return;
    }
    if (high < 0) {
      high = v;
    } else {
      remoteFingerprint_.push_back(static_cast<uint8_t>((high << 4) | v));
      high = -1;
    }
  }
  if (high >= 0 || remoteFingerprint_.size() != static_cast<size_t>(EVP_MD_get_size(md))) {
    remoteFingerprint_.clear();
    remoteFingerprintError_ = "remote fingerprint has the wrong length for " + algorithm;
    return;
  }
  remoteDigest_ = md;
}

void DtlsTransport::setInitialRetransmitTimeoutMs(int ms) {
  initialRetransmitMs_ = std::clamp(ms, 1, kMaxRetransmitMs);
}

bool DtlsTransport::verifyPeerCertificate(X509* cert) {
  if (!remoteFingerprintError_.empty()) {
    verifyError_ = remoteFingerprintError_;
    return false;
  }
  if (!remoteDigest_) {
    verifyError_ = "no remote fingerprint was set before the peer's certificate arrived";
    return false;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, remoteDigest_, digest, &length) != 1) {
    verifyError_ = takeOpenSslErrors("cannot digest the peer's certificate");
    return false;
  }
  if (length != remoteFingerprint_.size() || CRYPTO_memcmp(digest, remoteFingerprint_.data(), length) != 0) {
    verifyError_ = "the peer's certificate does not match the remote fingerprint";
    return false;
  }
  return true;
}

// The write side is a BIO of our own rather than a memory BIO: a memory BIO would run a flight's
// datagrams together, while OpenSSL makes exactly one BIO_write per datagram.
BIO_METHOD* DtlsTransport::outputMethod() {
  // Made once and kept for the life of the process; BIOs refer to it.
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "rooms dtls output");
    if (!m) return m;
    BIO_meth_set_write(m, bioWrite);
    BIO_meth_set_ctrl(m, bioCtrl);
    BIO_meth_set_create(m, [](BIO* bio) {
      BIO_set_init(bio, 1);
      return 1;
    });
    return m;
  }();
  return method;
}

int DtlsTransport::bioWrite(BIO* bio, const char* data, int size) {
  auto* self = static_cast<DtlsTransport*>(BIO_get_data(bio));
  if (!self || !data || size <= 0) return 0;
  if (self->outboxCount_ == self->outbox_.size()) self->outbox_.emplace_back();
  self->outbox_[self->outboxCount_++].assign(data, data + size);
  return size;
}

long DtlsTransport::bioCtrl(BIO*, int cmd, long, void*) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // every write is already a whole datagram handed over
    case BIO_CTRL_DGRAM_QUERY_MTU:
      return kMtu;
    case BIO_CTRL_WPENDING:
    case BIO_CTRL_PENDING:
      return 0;
    default:
      return 0;
  }
}

unsigned int DtlsTransport::timerCallback(SSL* ssl, unsigned int previousUs) {
  auto* self = static_cast<DtlsTransport*>(static_cast<DtlsContext::PeerVerifier*>(SSL_get_app_data(ssl)));
  const unsigned int initialUs =
      static_cast<unsigned int>((self ? self->initialRetransmitMs_ : kDefaultInitialRetransmitMs) * 1000);
  if (previousUs == 0) return initialUs;
  return std::min(previousUs * 2, static_cast<unsigned int>(kMaxRetransmitMs) * 1000u);
}

int64_t DtlsTransport::retransmitTimeoutMs() const {
  struct timeval tv {};
  if (!ssl_ || DTLSv1_get_timeout(ssl_.get(), &tv) != 1) return -1;
  return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
}

void DtlsTransport::raise(Event event) {
  if (eventCount_ < events_.size()) events_[eventCount_++] = event;
}

void DtlsTransport::fail(std::string reason) {
  if (!setState(State::Failed)) return;
  failureReason_ = std::move(reason);
  raise(Event::Failed);
}

void DtlsTransport::start(int64_t nowMs) {
  if (state_ != State::New) return;
  startMs_ = nowMs;
  if (!ssl_) {
    fail(setupError_.empty() ? "DTLS setup failed" : setupError_);
    deliver();
    return;
  }
  setState(State::Connecting);
  if (role_ == Role::Client) {
    SSL_set_connect_state(ssl_.get());
    ERR_clear_error();
    checkHandshake(SSL_do_handshake(ssl_.get()));
  } else {
    SSL_set_accept_state(ssl_.get());
  }
  deliver();
}

void DtlsTransport::handleDatagram(const uint8_t* data, size_t size, int64_t nowMs) {
  if ((state_ != State::Connecting && state_ != State::Connected) || !ssl_) return;
  if (size > INT_MAX || !DtlsRecord::isPlausibleDatagram(data, size)) return;
  ERR_clear_error();
  if (BIO_write(readBio_, data, static_cast<int>(size)) != static_cast<int>(size)) {
    (void)BIO_reset(readBio_);
    fail(takeOpenSslErrors("cannot buffer a DTLS datagram"));
    deliver();
    return;
  }
  if (state_ == State::Connecting) checkHandshake(SSL_do_handshake(ssl_.get()));
  // Also right after the handshake: the datagram that finished it may carry more records.
  if (state_ == State::Connected) readApplicationData();
  // Whatever OpenSSL left unread belongs to this datagram only; it must not run into the next one.
  if (BIO_ctrl_pending(readBio_) > 0) (void)BIO_reset(readBio_);
  deliver();
}

void DtlsTransport::tick(int64_t nowMs) {
  if (state_ != State::Connecting || !ssl_) return;
  if (nowMs - startMs_ >= kHandshakeTimeoutMs) {
    fail("DTLS handshake timed out");
  } else {
    ERR_clear_error();
    // A no-op until OpenSSL's timer (on its own clock) runs out; -1 once it gave up retransmitting.
    if (DTLSv1_handle_timeout(ssl_.get()) < 0) fail(takeOpenSslErrors("DTLS retransmission failed"));
  }
  deliver();
}

void DtlsTransport::close() {
  if (state_ == State::Failed || state_ == State::Closed) return;
  if (state_ == State::Connected && ssl_) {
    ERR_clear_error();
    (void)SSL_shutdown(ssl_.get());  // queues close_notify; we do not wait for the peer's
    ERR_clear_error();
  }
  setState(State::Closed);
  deliver();
}

void DtlsTransport::checkHandshake(int result) {
  if (result == 1) {
    onHandshakeDone();
    return;
  }
  const int error = SSL_get_error(ssl_.get(), result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
  std::string what =
      verifyError_.empty() ? "DTLS handshake failed (SSL error " + std::to_string(error) + ")" : verifyError_;
  fail(takeOpenSslErrors(what));
}

void DtlsTransport::onHandshakeDone() {
  SSL* ssl = ssl_.get();
  // The verify callback ran and accepted, but make sure it ran at all.
  if (!SSL_get0_peer_certificate(ssl) || !verifyError_.empty()) {
    fail(verifyError_.empty() ? "the peer sent no certificate" : verifyError_);
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl);
  const SrtpProfile profile = selected ? srtpProfileFromId(selected->id) : SrtpProfile::None;
  if (profile == SrtpProfile::None) {
    fail("the peer negotiated no SRTP protection profile we support");
    return;
  }
  const size_t keyLength = srtpKeyLength(profile);
  const size_t saltLength = srtpSaltLength(profile);
  std::array<uint8_t, 2 * kMaxSrtpKeyMaterialLength> material{};
  const size_t total = 2 * (keyLength + saltLength);
  if (SSL_export_keying_material(ssl, material.data(), total, kSrtpExporterLabel,
                                 sizeof(kSrtpExporterLabel) - 1, nullptr, 0, 0) != 1) {
    fail(takeOpenSslErrors("exporting the SRTP keying material failed"));
    return;
  }
  // RFC 5764 4.2: client_write_key | server_write_key | client_write_salt | server_write_salt.
  const uint8_t* clientKey = material.data();
  const uint8_t* serverKey = clientKey + keyLength;
  const uint8_t* clientSalt = serverKey + keyLength;
  const uint8_t* serverSalt = clientSalt + saltLength;
  const bool client = role_ == Role::Client;
  auto assemble = [&](std::array<uint8_t, kMaxSrtpKeyMaterialLength>& out, const uint8_t* key,
                      const uint8_t* salt) {
    std::copy(key, key + keyLength, out.begin());
    std::copy(salt, salt + saltLength, out.begin() + static_cast<ptrdiff_t>(keyLength));
  };
  assemble(localKey_, client ? clientKey : serverKey, client ? clientSalt : serverSalt);
  assemble(remoteKey_, client ? serverKey : clientKey, client ? serverSalt : clientSalt);
  OPENSSL_cleanse(material.data(), material.size());
  profile_ = profile;
  setState(State::Connected);
  raise(Event::Connected);
}

void DtlsTransport::readApplicationData() {
  SSL* ssl = ssl_.get();
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl, readBuffer_.data(), static_cast<int>(readBuffer_.size()));
    if (n > 0) continue;  // SCTP is not here yet; its data is dropped
    const int error = SSL_get_error(ssl, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
    // OpenSSL reports a record it dropped (bad MAC, say: forged, or sent before the keys and buffered)
    // as a "syscall" error with nothing queued. DTLS drops such records and carries on (RFC 6347
    // 4.1.2.7), and so do we.
    if (error == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return;
    if (error == SSL_ERROR_ZERO_RETURN) {
      // The peer's close_notify; answer it as RFC 5246 7.2.1 asks, then we are done.
      ERR_clear_error();
      (void)SSL_shutdown(ssl);
      ERR_clear_error();
      if (setState(State::Closed)) raise(Event::Closed);
      return;
    }
    fail(takeOpenSslErrors("DTLS read failed (SSL error " + std::to_string(error) + ")"));
    return;
  }
}

void DtlsTransport::deliver() {
  // A listener calling back into us lands here again; the outer loop sends what that call produced.
  if (delivering_) return;
  delivering_ = true;
  size_t sent = 0;
  size_t raised = 0;
  for (;;) {
    if (sent < outboxCount_) {
      // The slot is not reused while we are in this loop (new output goes to later slots), and a
      // reallocation of outbox_ moves the inner vectors without moving their bytes.
      const std::vector<uint8_t>& datagram = outbox_[sent++];
      listener_.onDtlsSend(*this, datagram.data(), datagram.size());
      continue;
    }
    if (raised < eventCount_) {
      switch (events_[raised++]) {
        case Event::Connected: {
          const size_t length = srtpKeyMaterialLength(profile_);
          listener_.onDtlsConnected(*this, profile_, std::span<const uint8_t>(localKey_.data(), length),
                                    std::span<const uint8_t>(remoteKey_.data(), length));
          break;
        }
        case Event::Failed:
          listener_.onDtlsFailed(*this, failureReason_);
          break;
        case Event::Closed:
          listener_.onDtlsClosed(*this);
          break;
      }
      continue;
    }
    break;
  }
  outboxCount_ = 0;
  eventCount_ = 0;
  delivering_ = false;
}

}  // namespace rooms::dtls
