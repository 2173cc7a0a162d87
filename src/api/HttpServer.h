#pragma once
// Accepts TCP connections on one port and serves HTTP/1.1 and WebSocket on them, in plain text or TLS:
// the first bytes of each connection tell (a TLS ClientHello starts with 0x16), so HTTPS and WSS need no
// second port and no proxy. Single-threaded on the control-plane io_context.
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>
#include <optional>

#include "api/ApiService.h"

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

 private:
  void accept();
  boost::asio::io_context& io_;
  ApiService& api_;
  const Config& config_;
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace rooms
