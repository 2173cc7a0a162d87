#include "rtc/ice/IceServer.h"

#include <utility>

#include "rtc/ice/StunMessageBuilder.h"

namespace rooms::ice {

IceServer::IceServer(Listener& listener, Config config)
    : listener_(listener),
      config_(std::move(config)),
      expectedUsername_(config_.localUfrag + ":" + config_.remoteUfrag) {}

const char* IceServer::toString(State state) {
  switch (state) {
    case State::New:
      return "new";
    case State::Checking:
      return "checking";
    case State::Connected:
      return "connected";
    case State::Completed:
      return "completed";
    case State::Disconnected:
      return "disconnected";
    case State::Failed:
      return "failed";
  }
  return "unknown";
}

bool IceServer::canTransition(State from, State to) {
  switch (from) {
    case State::New:
      return to == State::Checking || to == State::Connected || to == State::Completed || to == State::Failed;
    case State::Checking:
      return to == State::Connected || to == State::Completed || to == State::Disconnected ||
             to == State::Failed;
    case State::Connected:
      return to == State::Checking || to == State::Completed || to == State::Disconnected ||
             to == State::Failed;
    case State::Completed:
      // Never back to Connected: a nomination stands until an ICE restart.
      return to == State::Checking || to == State::Disconnected || to == State::Failed;
    case State::Disconnected:
      return to == State::Checking || to == State::Connected || to == State::Completed || to == State::Failed;
    case State::Failed:
      // Only an ICE restart revives a failed agent (as in RTCPeerConnection).
      return to == State::Checking;
  }
  return false;
}

bool IceServer::setState(State next) {
  if (next == state_) return true;
  if (!canTransition(state_, next)) return false;
  state_ = next;
  listener_.onIceStateChanged(*this, next);
  return true;
}

bool IceServer::hasTuple(const StunAddress& tuple) const {
  for (size_t i = 0; i < tupleCount_; ++i) {
    if (tuples_[i] == tuple) return true;
  }
  return false;
}

void IceServer::rememberTuple(const StunAddress& tuple) {
  if (hasTuple(tuple)) return;
  // Bounded so that a peer spraying valid checks from many ports cannot grow us; the oldest slot goes.
  if (tupleCount_ < kMaxTuples) {
    tuples_[tupleCount_++] = tuple;
    return;
  }
  tuples_[nextTupleSlot_] = tuple;
  nextTupleSlot_ = (nextTupleSlot_ + 1) % kMaxTuples;
}

void IceServer::select(const StunAddress& tuple) {
  if (selected_ && *selected_ == tuple) return;
  selected_ = tuple;
  listener_.onIceSelectedTuple(*this, tuple);
}

IceServer::Outcome IceServer::reply(const StunAddress& tuple, size_t size, Outcome outcome) {
  if (size == 0) return Outcome::Dropped;  // cannot happen with our fixed-size attributes; never send junk
  listener_.sendStun(*this, tuple, response_.data(), size);
  return outcome;
}

IceServer::Outcome IceServer::replyError(const StunMessage& request, const StunAddress& tuple, uint16_t code,
                                         bool sign, Outcome outcome) {
  const size_t size = StunMessageBuilder::bindingError(response_, request.transactionId(), code,
                                                       sign ? std::string_view(config_.localPwd) : "");
  return reply(tuple, size, outcome);
}

IceServer::Outcome IceServer::handleStun(const uint8_t* data, size_t size, const StunAddress& tuple,
                                         int64_t nowMs) {
  // RFC 7675: once consent is gone for good we stop answering, so the peer sees the failure too.
  if (state_ == State::Failed) return Outcome::Dropped;
  StunMessage& req = request_;
  if (StunMessage::parse(data, size, req) != StunError::None) return Outcome::Dropped;
  if (req.method() != stun::kMethodBinding) return Outcome::Dropped;
  if (req.messageClass() != StunClass::Request) return Outcome::Ignored;
  // A wrong FINGERPRINT means this is not STUN after all (RFC 5389 7.3): silence, not an error response.
  if (req.hasFingerprint() && !req.verifyFingerprint()) return Outcome::Dropped;
  // RFC 5389 10.1.2: a request without credentials is a 400; wrong credentials are a 401.
  if (!req.hasFingerprint() || !req.username() || !req.hasMessageIntegrity()) {
    return replyError(req, tuple, 400, false, Outcome::BadRequest);
  }
  if (*req.username() != expectedUsername_ || !req.verifyMessageIntegrity(config_.localPwd)) {
    return replyError(req, tuple, 401, false, Outcome::Unauthorized);
  }
  if (req.hasUnknownRequiredAttribute()) {
    StunMessageBuilder b(response_, stun::kMethodBinding, StunClass::ErrorResponse, req.transactionId());
    b.addErrorCode(420, StunMessageBuilder::reasonPhrase(420));
    std::array<uint8_t, 2 * StunMessage::kMaxAttributes> unknown{};
    size_t n = 0;
    for (const auto& attr : req.attributes()) {
      if (attr.type < 0x8000 && !StunMessage::isKnownAttribute(attr.type)) {
        unknown[n++] = static_cast<uint8_t>(attr.type >> 8);
        unknown[n++] = static_cast<uint8_t>(attr.type);
      }
    }
    b.addAttribute(stun::kAttrUnknownAttributes, std::span<const uint8_t>(unknown.data(), n))
        .addMessageIntegrity(config_.localPwd)
        .addFingerprint();
    return reply(tuple, b.finish(), Outcome::UnknownAttribute);
  }
  // RFC 8445 7.3: every check carries the candidate priority it would have as peer-reflexive.
  if (!req.priority()) return replyError(req, tuple, 400, false, Outcome::BadRequest);
  // A lite agent is always controlled and cannot switch roles, so a peer that also claims to be
  // controlled must be the one to switch: 487 tells it to (RFC 8445 7.3.1.1).
  if (req.iceControlled()) return replyError(req, tuple, 487, true, Outcome::RoleConflict);

  const size_t responseSize =
      StunMessageBuilder::bindingSuccess(response_, req.transactionId(), tuple, config_.localPwd);
  const Outcome outcome = reply(tuple, responseSize, Outcome::Answered);
  if (outcome != Outcome::Answered) return outcome;

  rememberTuple(tuple);
  if (req.useCandidate()) {
    nominated_ = true;
    select(tuple);
  } else if (!selected_ || (!nominated_ && (state_ == State::Checking || state_ == State::Disconnected))) {
    // Before nomination the latest tuple that passed a check after a restart or a loss is the best bet for
    // getting DTLS going; the nomination will confirm or replace it.
    select(tuple);
  }
  // Consent is per pair: only checks on the selected tuple refresh it (RFC 7675 5.1).
  if (selected_ && *selected_ == tuple) {
    lastConsentMs_ = nowMs;
    setState(nominated_ ? State::Completed : State::Connected);
  }
  return outcome;
}

void IceServer::tick(int64_t nowMs) {
  const bool live = state_ == State::Connected || state_ == State::Completed ||
                    (state_ == State::Checking && selected_.has_value());
  if (live && nowMs - lastConsentMs_ >= config_.consentTimeoutMs) {
    if (setState(State::Disconnected)) disconnectedSinceMs_ = nowMs;
    return;
  }
  if (state_ == State::Disconnected && config_.failTimeoutMs > 0 &&
      nowMs - disconnectedSinceMs_ >= config_.failTimeoutMs) {
    setState(State::Failed);
  }
}

void IceServer::restart(std::string localUfrag, std::string localPwd, std::string remoteUfrag,
                        int64_t nowMs) {
  config_.localUfrag = std::move(localUfrag);
  config_.localPwd = std::move(localPwd);
  config_.remoteUfrag = std::move(remoteUfrag);
  expectedUsername_ = config_.localUfrag + ":" + config_.remoteUfrag;
  nominated_ = false;
  // Tuples were validated with the old credentials; only the selected one stays, to carry media meanwhile.
  tupleCount_ = 0;
  nextTupleSlot_ = 0;
  if (selected_) rememberTuple(*selected_);
  // The restart itself is a sign of life from the peer (it came over signaling), so consent restarts too.
  lastConsentMs_ = nowMs;
  setState(State::Checking);
}

void IceServer::fail() {
  setState(State::Failed);
}

}  // namespace rooms::ice
