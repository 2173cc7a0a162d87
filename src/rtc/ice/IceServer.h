#pragma once
// The ICE-lite side of one peer connection (RFC 8445 section 2.5 lite, consent freshness of RFC 7675).
// A lite agent never sends checks: it answers the browser's Binding requests, learns from them which
// transport address (tuple) reaches the browser, and follows the browser's nomination. Pure protocol:
// the caller feeds datagrams and the time in, and gets responses and events out through the Listener.
// Not thread-safe; one instance belongs to the thread that owns the peer.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "rtc/ice/StunAddress.h"
#include "rtc/ice/StunMessage.h"

namespace rooms::ice {

class IceServer {
 public:
  enum class State { New, Checking, Connected, Completed, Disconnected, Failed };

  class Listener {
   public:
    virtual ~Listener() = default;
    // The tuple media should be sent to changed (first valid check, nomination, or a nominated tuple that
    // moved, e.g. after a NAT rebinding).
    virtual void onIceSelectedTuple(IceServer& server, const StunAddress& tuple) = 0;
    virtual void onIceStateChanged(IceServer& server, State state) = 0;
    // bytes points into the server's own buffer and is valid only during the call.
    virtual void sendStun(IceServer& server, const StunAddress& tuple, const uint8_t* bytes, size_t size) = 0;
  };

  struct Config {
    std::string localUfrag;
    std::string localPwd;
    std::string remoteUfrag;
    // Without a valid check on the selected tuple for this long, consent is lost (RFC 7675 5.1).
    int64_t consentTimeoutMs = 30000;
    // Disconnected for this long more becomes Failed; 0 never fails on time alone.
    int64_t failTimeoutMs = 0;
  };

  // Why a datagram got no success response; for logs and tests.
  enum class Outcome {
    Answered,          // success response sent
    Dropped,           // not a valid STUN request for us (unparsable, bad FINGERPRINT, not Binding...)
    BadRequest,        // 400 sent
    Unauthorized,      // 401 sent
    UnknownAttribute,  // 420 sent
    RoleConflict,      // 487 sent
    Ignored,           // an indication or response; lite agents send no requests
  };

  static constexpr size_t kMaxTuples = 8;
  static constexpr size_t kResponseBufferSize = 256;

  IceServer(Listener& listener, Config config);
  IceServer(const IceServer&) = delete;
  IceServer& operator=(const IceServer&) = delete;

  // One datagram that looksLikeStun() from tuple at nowMs.
  Outcome handleStun(const uint8_t* data, size_t size, const StunAddress& tuple, int64_t nowMs);
  // Checks consent; call at least once a second.
  void tick(int64_t nowMs);
  // ICE restart: new credentials from a renegotiation. The selected tuple stays usable until the new
  // credentials are used, so media keeps flowing across the restart.
  void restart(std::string localUfrag, std::string localPwd, std::string remoteUfrag, int64_t nowMs);
  // The transport above gave up (DTLS failure, peer closed).
  void fail();

  State state() const { return state_; }
  const std::optional<StunAddress>& selectedTuple() const { return selected_; }
  bool nominated() const { return nominated_; }
  bool hasTuple(const StunAddress& tuple) const;
  int64_t lastConsentMs() const { return lastConsentMs_; }
  const Config& config() const { return config_; }

  static bool canTransition(State from, State to);
  static const char* toString(State state);

 private:
  bool setState(State next);
  void rememberTuple(const StunAddress& tuple);
  void select(const StunAddress& tuple);
  Outcome reply(const StunAddress& tuple, size_t size, Outcome outcome);
  Outcome replyError(const StunMessage& request, const StunAddress& tuple, uint16_t code, bool sign,
                     Outcome outcome);

  Listener& listener_;
  Config config_;
  std::string expectedUsername_;  // "localUfrag:remoteUfrag", precomputed to keep the check allocation-free
  State state_ = State::New;
  std::array<StunAddress, kMaxTuples> tuples_{};
  size_t tupleCount_ = 0;
  size_t nextTupleSlot_ = 0;
  std::optional<StunAddress> selected_;
  bool nominated_ = false;
  int64_t lastConsentMs_ = 0;
  int64_t disconnectedSinceMs_ = 0;
  StunMessage request_;  // member, not a local: it is large and reused for every datagram
  std::array<uint8_t, kResponseBufferSize> response_{};
};

}  // namespace rooms::ice
