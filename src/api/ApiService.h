#pragma once
// The request pipeline every HTTP request goes through, in order: request id, CORS preflight, per-address
// rate limit, routing (404/405), API-key authentication, per-key rate limit, the handler, error mapping,
// metrics and the access log.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/ApiContext.h"
#include "api/ApiRequest.h"
#include "api/RateLimiter.h"
#include "api/Router.h"
#include "signaling/SignalingPeer.h"

namespace rooms {

class ApiService {
 public:
  explicit ApiService(ApiContext& ctx);

  // Phase one, on the request line and headers alone: request id, CORS preflight, the per-address limit,
  // routing and authentication. A request refused here is answered without its body ever being read, so a
  // client without a key cannot make the server buffer one.
  struct Admission {
    std::chrono::steady_clock::time_point started;
    std::string route = "unmatched";
    const Handler* handler = nullptr;   // set when the request may proceed
    std::optional<ApiResponse> answer;  // set when it ends here
    std::string forwardTo;              // cluster: the peer that answers it (its internal URL)
  };
  Admission admit(ApiRequest& req);
  // Phase two, with the body: the handler (or the answer admit() decided), error mapping, metrics and the
  // access log.
  ApiResponse handle(ApiRequest& req, Admission& admission);
  // Phase two for a request admit() gave a forwardTo: sends it to that node. done runs on another thread
  // with the peer's answer; the caller brings it back to the connection's thread and passes it through
  // finish().
  void forward(ApiRequest& req, Admission& admission, std::function<void(ApiResponse)> done);
  // CORS, the request id, metrics and the access log, for every answer.
  ApiResponse finish(ApiRequest& req, Admission& admission, ApiResponse res);

  // For a WebSocket upgrade to /events/{roomId}: the checks handle() would make. Returns the refusal, or
  // nullopt when the upgrade may proceed (req.params["roomId"] is then set).
  std::optional<ApiResponse> authorizeEventsUpgrade(ApiRequest& req);
  // For a WebSocket upgrade to /signal/{roomId}?token=: the participant checks of /join (401, 403, 404, 410
  // with the same codes). On success fills the upgrade: the identity, and in a cluster the owner to relay
  // to when another node holds the room (api/SignalingRelay.h).
  struct SignalUpgrade {
    signaling::ParticipantIdentity identity;
    std::string relayTo;      // the owner's internal URL; empty: this node runs the session
    std::string forwardedBy;  // the signature the relay presents to the owner
    std::string requestId;    // ...over this request id
    std::string clientIp;
    bool fromPeer = false;  // relayed by another node: not counted against the relaying node's address
  };
  std::optional<ApiResponse> authorizeSignalUpgrade(ApiRequest& req, SignalUpgrade& upgrade);

  ApiContext& context() { return ctx_; }

 private:
  std::optional<ApiResponse> checkIpLimit(const ApiRequest& req);
  void acceptPeer(ApiRequest& req);
  void route(ApiRequest& req, Admission& a);
  std::optional<ApiResponse> authenticate(ApiRequest& req, bool allowQueryToken);
  void applyCors(const ApiRequest& req, ApiResponse& res) const;
  bool originAllowed(std::string_view origin) const;
  void observe(const ApiRequest& req, const std::string& route, const ApiResponse& res, double seconds);

  ApiContext& ctx_;
  Router router_;
  RateLimiter perIp_;
  RateLimiter perKey_;
  std::unordered_map<std::string, Histogram*> latency_;
  std::unordered_map<std::string, Counter*> counts_;
  Counter& forwarded_;
  Counter& relayedSignaling_;
};

}  // namespace rooms
