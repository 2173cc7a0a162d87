#include "rtc/WebRtcTransport.h"

#include "core/Log.h"

namespace rooms::rtc {

const char* WebRtcTransport::toString(State state) {
  switch (state) {
    case State::New:
      return "new";
    case State::Connecting:
      return "connecting";
    case State::Connected:
      return "connected";
    case State::Disconnected:
      return "disconnected";
    case State::Failed:
      return "failed";
    case State::Closed:
      return "closed";
  }
  return "unknown";
}

bool WebRtcTransport::canTransition(State from, State to) {
  if (from == to) return false;
  switch (from) {
    case State::New:
      return to != State::New;
    case State::Connecting:
      return to != State::New;
    case State::Connected:
      return to == State::Disconnected || to == State::Failed || to == State::Closed;
    // Consent can come back (the browser's checks resume on the same or a new path).
    case State::Disconnected:
      return to == State::Connected || to == State::Failed || to == State::Closed;
    case State::Failed:
      return to == State::Closed;
    case State::Closed:
      return false;
  }
  return false;
}

WebRtcTransport::WebRtcTransport(Listener& listener, Sender& sender,
                                 std::shared_ptr<const dtls::DtlsCertificate> certificate, Params params,
                                 int64_t nowMs)
    : listener_(listener),
      sender_(sender),
      params_(std::move(params)),
      iceServer_(*this, ice::IceServer::Config{params_.localUfrag, params_.localPwd, params_.remoteUfrag,
                                               params_.consentTimeoutMs, 0}),
      dtls_(*this, std::move(certificate), dtls::DtlsTransport::Role::Server) {
  dtls_.setRemoteFingerprint(params_.remoteFingerprintAlgorithm, params_.remoteFingerprint);
  dtls_.start(nowMs);
}

WebRtcTransport::~WebRtcTransport() = default;

void WebRtcTransport::handleStun(const uint8_t* data, size_t size, const ice::StunAddress& from,
                                 int64_t nowMs) {
  counters_.bytesIn += size;
  iceServer_.handleStun(data, size, from, nowMs);
}

void WebRtcTransport::handleDtls(const uint8_t* data, size_t size, const ice::StunAddress& from,
                                 int64_t nowMs) {
  // Only from a tuple ICE validated: anything else could be an off-path attacker's handshake.
  if (!iceServer_.hasTuple(from)) return;
  counters_.bytesIn += size;
  dtls_.handleDatagram(data, size, nowMs);
}

void WebRtcTransport::handleSrtp(uint8_t* data, size_t size, const ice::StunAddress& from, int64_t nowMs,
                                 int64_t arrivalUs) {
  if (!srtpIn_ || !iceServer_.hasTuple(from)) return;
  counters_.bytesIn += size;
  if (RtpPacket::looksLikeRtcp(data, size)) {
    if (!srtpIn_->unprotectRtcp(data, size)) {
      ++counters_.srtpErrors;
      return;
    }
    listener_.onTransportRtcp(*this, data, size, nowMs);
    return;
  }
  if (!RtpPacket::looksLikeRtp(data, size)) return;
  if (!srtpIn_->unprotectRtp(data, size)) {
    ++counters_.srtpErrors;
    return;
  }
  auto packet = RtpPacket::parse(data, size);
  if (!packet) return;
  ++counters_.rtpPacketsIn;
  listener_.onTransportRtp(*this, *packet, nowMs, arrivalUs);
}

bool WebRtcTransport::sendRtp(uint8_t* data, size_t size, size_t capacity) {
  const auto& tuple = iceServer_.selectedTuple();
  if (state_ != State::Connected || !srtpOut_ || !tuple) return false;
  if (!srtpOut_->protectRtp(data, size, capacity)) return false;
  ++counters_.rtpPacketsOut;
  counters_.bytesOut += size;
  sender_.sendDatagram(*tuple, data, size);
  return true;
}

bool WebRtcTransport::sendRtcp(uint8_t* data, size_t size, size_t capacity) {
  const auto& tuple = iceServer_.selectedTuple();
  if (state_ != State::Connected || !srtpOut_ || !tuple) return false;
  if (!srtpOut_->protectRtcp(data, size, capacity)) return false;
  counters_.bytesOut += size;
  sender_.sendDatagram(*tuple, data, size);
  return true;
}

void WebRtcTransport::tick(int64_t nowMs) {
  if (closed_) return;
  iceServer_.tick(nowMs);
  dtls_.tick(nowMs);
}

void WebRtcTransport::restartIce(const std::string& localUfrag, const std::string& localPwd,
                                 const std::string& remoteUfrag, int64_t nowMs) {
  params_.localUfrag = localUfrag;
  params_.localPwd = localPwd;
  params_.remoteUfrag = remoteUfrag;
  iceServer_.restart(localUfrag, localPwd, remoteUfrag, nowMs);
}

void WebRtcTransport::close() {
  if (closed_) return;
  closed_ = true;
  dtls_.close();
  setState(State::Closed);
}

void WebRtcTransport::onIceSelectedTuple(ice::IceServer&, const ice::StunAddress& tuple) {
  listener_.onTransportTuple(*this, tuple);
}

void WebRtcTransport::onIceStateChanged(ice::IceServer&, ice::IceServer::State) {
  updateState();
}

void WebRtcTransport::sendStun(ice::IceServer&, const ice::StunAddress& tuple, const uint8_t* bytes,
                               size_t size) {
  counters_.bytesOut += size;
  sender_.sendDatagram(tuple, bytes, size);
}

void WebRtcTransport::onDtlsSend(dtls::DtlsTransport&, const uint8_t* data, size_t size) {
  const auto& tuple = iceServer_.selectedTuple();
  if (!tuple) return;
  counters_.bytesOut += size;
  sender_.sendDatagram(*tuple, data, size);
}

void WebRtcTransport::onDtlsConnected(dtls::DtlsTransport&, dtls::SrtpProfile profile,
                                      std::span<const uint8_t> localKeyMaterial,
                                      std::span<const uint8_t> remoteKeyMaterial) {
  try {
    srtpOut_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Outbound, profile,
                                                   localKeyMaterial);
    srtpIn_ = std::make_unique<srtp::SrtpSession>(srtp::SrtpSession::Direction::Inbound, profile,
                                                  remoteKeyMaterial);
  } catch (const std::exception& e) {
    log::warn("srtp_setup_failed", {{"transport", params_.id}, {"error", e.what()}});
    dtlsFailed_ = true;
    updateState();
    return;
  }
  log::debug("dtls_connected", {{"transport", params_.id}, {"srtpProfile", dtls::toString(profile)}});
  dtlsConnected_ = true;
  updateState();
}

void WebRtcTransport::onDtlsFailed(dtls::DtlsTransport&, const std::string& reason) {
  log::info("dtls_failed", {{"transport", params_.id}, {"reason", reason}});
  dtlsFailed_ = true;
  updateState();
}

void WebRtcTransport::onDtlsClosed(dtls::DtlsTransport&) {
  log::debug("dtls_closed", {{"transport", params_.id}});
  closed_ = true;
  setState(State::Closed);
}

void WebRtcTransport::updateState() {
  if (closed_) return;
  if (dtlsFailed_ || iceServer_.state() == ice::IceServer::State::Failed) {
    setState(State::Failed);
    return;
  }
  const auto ice = iceServer_.state();
  const bool iceUp = ice == ice::IceServer::State::Connected || ice == ice::IceServer::State::Completed;
  if (iceUp && dtlsConnected_) {
    setState(State::Connected);
  } else if (ice == ice::IceServer::State::Disconnected && state_ == State::Connected) {
    setState(State::Disconnected);
  } else if (state_ == State::New) {
    setState(State::Connecting);
  }
}

void WebRtcTransport::setState(State next) {
  if (!canTransition(state_, next)) return;
  state_ = next;
  listener_.onTransportStateChanged(*this, next);
}

}  // namespace rooms::rtc
