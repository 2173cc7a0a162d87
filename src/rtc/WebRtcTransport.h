#pragma once
// One browser's bundled media transport: ICE-lite (IceServer), DTLS (DtlsTransport) and SRTP (two
// SrtpSessions) over the shared media socket. It knows nothing of rooms or tracks: decrypted RTP and RTCP
// go up to its Listener (the Router), encrypted datagrams go down to its Sender (the socket). Lives on the
// media thread; not thread-safe.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "rtc/dtls/DtlsCertificate.h"
#include "rtc/dtls/DtlsTransport.h"
#include "rtc/ice/IceServer.h"
#include "rtc/rtp/RtpPacket.h"
#include "rtc/srtp/SrtpSession.h"

namespace rooms::rtc {

class WebRtcTransport : private ice::IceServer::Listener, private dtls::DtlsTransport::Listener {
 public:
  enum class State { New, Connecting, Connected, Disconnected, Failed, Closed };
  static const char* toString(State state);
  static bool canTransition(State from, State to);

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onTransportStateChanged(WebRtcTransport& transport, State state) = 0;
    // The packet is decrypted in a buffer valid only during the call; the listener may rewrite it.
    // arrivalUs: when the datagram reached the socket, steady-clock microseconds.
    virtual void onTransportRtp(WebRtcTransport& transport, RtpPacket& packet, int64_t nowMs,
                                int64_t arrivalUs) = 0;
    virtual void onTransportRtcp(WebRtcTransport& transport, const uint8_t* data, size_t size,
                                 int64_t nowMs) = 0;
    // The selected ICE tuple changed: the socket layer maps datagrams from it to this transport.
    virtual void onTransportTuple(WebRtcTransport& transport, const ice::StunAddress& tuple) = 0;
  };

  class Sender {
   public:
    virtual ~Sender() = default;
    virtual void sendDatagram(const ice::StunAddress& to, const uint8_t* data, size_t size) = 0;
  };

  struct Params {
    std::string id;  // the signaling connection id
    std::string localUfrag;
    std::string localPwd;
    std::string remoteUfrag;
    std::string remoteFingerprintAlgorithm;
    std::string remoteFingerprint;
    int64_t consentTimeoutMs = 30000;
  };

  struct Counters {
    uint64_t bytesIn = 0;  // every datagram, as on the wire
    uint64_t bytesOut = 0;
    uint64_t rtpPacketsIn = 0;
    uint64_t rtpPacketsOut = 0;
    uint64_t srtpErrors = 0;
  };

  WebRtcTransport(Listener& listener, Sender& sender,
                  std::shared_ptr<const dtls::DtlsCertificate> certificate, Params params, int64_t nowMs);
  ~WebRtcTransport() override;
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  // Datagrams the socket layer attributed to this transport, by kind (RFC 7983).
  void handleStun(const uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs);
  void handleDtls(const uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs);
  void handleSrtp(uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs, int64_t arrivalUs);

  // Encrypt in place and send to the selected tuple. capacity must leave room for the SRTP trailer. False
  // when not connected or the encryption failed.
  bool sendRtp(uint8_t* data, size_t size, size_t capacity);
  bool sendRtcp(uint8_t* data, size_t size, size_t capacity);

  void tick(int64_t nowMs);
  // ICE restart from a renegotiation: new credentials, same DTLS association.
  void restartIce(const std::string& localUfrag, const std::string& localPwd, const std::string& remoteUfrag,
                  int64_t nowMs);
  void close();

  const std::string& id() const { return params_.id; }
  const Params& params() const { return params_; }
  State state() const { return state_; }
  bool connected() const { return state_ == State::Connected; }
  const Counters& counters() const { return counters_; }
  const std::optional<ice::StunAddress>& selectedTuple() const { return iceServer_.selectedTuple(); }

 private:
  // ice::IceServer::Listener
  void onIceSelectedTuple(ice::IceServer& server, const ice::StunAddress& tuple) override;
  void onIceStateChanged(ice::IceServer& server, ice::IceServer::State state) override;
  void sendStun(ice::IceServer& server, const ice::StunAddress& tuple, const uint8_t* bytes,
                size_t size) override;
  // dtls::DtlsTransport::Listener
  void onDtlsSend(dtls::DtlsTransport& dtls, const uint8_t* data, size_t size) override;
  void onDtlsConnected(dtls::DtlsTransport& dtls, dtls::SrtpProfile profile,
                       std::span<const uint8_t> localKeyMaterial,
                       std::span<const uint8_t> remoteKeyMaterial) override;
  void onDtlsFailed(dtls::DtlsTransport& dtls, const std::string& reason) override;
  void onDtlsClosed(dtls::DtlsTransport& dtls) override;

  void setState(State next);
  void updateState();

  Listener& listener_;
  Sender& sender_;
  Params params_;
  ice::IceServer iceServer_;
  dtls::DtlsTransport dtls_;
  std::unique_ptr<srtp::SrtpSession> srtpIn_;
  std::unique_ptr<srtp::SrtpSession> srtpOut_;
  State state_ = State::New;
  bool dtlsConnected_ = false;
  bool dtlsFailed_ = false;
  bool closed_ = false;
  Counters counters_;
};

}  // namespace rooms::rtc
