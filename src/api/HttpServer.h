#pragma once
// Accepts TCP connections on one port and serves HTTP/1.1 and WebSocket on them, in plain text or TLS:
// the first bytes of each connection tell (a TLS ClientHello starts with 0x16), so HTTPS and WSS need no
// second port and no proxy. Single-threaded on the control-plane io_context.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <optional>

#include "api/ApiService.h"
#include "api/ConnectionLimiter.h"
#include "core/LogThrottle.h"

namespace rooms {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ApiService& api, const Config& config);
  ~HttpServer();

  // Binds and starts accepting. Throws with a clear message if the port cannot be bound.
  void start();
  // Stops accepting new connections; open ones finish their current exchange and close.
  void stopAccepting();
  uint16_t port() const;
  const ConnectionLimiter& limiter() const { return limiter_; }

  // The connection limits config asks for, the total derived from the descriptor limit when not set.
  static ConnectionLimiter::Limits limitsFor(const Config& config);

 private:
  void accept();
  // accept() failed for want of descriptors (or memory): close an idle connection and accept again, or,
  // with nothing idle, try again shortly instead of at once (which spun a core at 100% while the backlog
  // stayed full); and say so now and then.
  void onAcceptExhausted(const boost::system::error_code& ec);
  boost::asio::io_context& io_;
  ApiService& api_;
  const Config& config_;
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  ConnectionLimiter limiter_;
  // The limiter's counters as metrics, brought up to date after each accept.
  void publishLimiterCounters();
  Counter& refusedMetric_;
  Counter& shedMetric_;
  ConnectionLimiter::Counters published_;
  boost::asio::steady_timer backoff_;
  static constexpr int64_t kExhaustedLogIntervalMs = 10000;
  LogThrottle exhaustedLog_{kExhaustedLogIntervalMs};
};

}  // namespace rooms
