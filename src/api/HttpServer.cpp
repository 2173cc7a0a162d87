#include "api/HttpServer.h"

#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include "api/HttpSession.h"
#include "core/Log.h"

namespace rooms {
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Reads just enough of a new connection to tell a TLS ClientHello from plain HTTP.
class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket&& socket, net::ssl::context* tls, ApiService& api)
      : stream_(std::move(socket)), tls_(tls), api_(api) {}

  void run() {
    if (!tls_) {
      startPlainSession(std::move(stream_), std::move(buffer_), api_);
      return;
    }
    stream_.expires_after(std::chrono::seconds(30));
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool isTls) {
      if (ec) return;
      if (isTls) {
        startTlsSession(std::move(self->stream_), *self->tls_, std::move(self->buffer_), self->api_);
      } else {
        startPlainSession(std::move(self->stream_), std::move(self->buffer_), self->api_);
      }
    });
  }

 private:
  beast::tcp_stream stream_;
  net::ssl::context* tls_;
  ApiService& api_;
  beast::flat_buffer buffer_;
};

}  // namespace

HttpServer::HttpServer(net::io_context& io, ApiService& api, const Config& config)
    : io_(io), api_(api), config_(config), acceptor_(io) {
  if (!config_.tlsCert.empty()) {
    tls_.emplace(net::ssl::context::tls_server);
    tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                      net::ssl::context::no_tlsv1_1);
    try {
      tls_->use_certificate_chain_file(config_.tlsCert);
      tls_->use_private_key_file(config_.tlsKey, net::ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load TLS certificate/key (" + config_.tlsCert + ", " + config_.tlsKey +
                               "): " + e.code().message());
    }
  }
}

HttpServer::~HttpServer() = default;

void HttpServer::start() {
  beast::error_code ec;
  auto address = net::ip::make_address(config_.bindAddress, ec);
  if (ec) throw std::runtime_error("invalid bind address " + config_.bindAddress);
  tcp::endpoint ep(address, config_.port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + config_.bindAddress + ":" + std::to_string(config_.port) +
                             ": " + ec.message());
  }
  acceptor_.listen(net::socket_base::max_listen_connections);
  log::info("listening", {{"address", config_.bindAddress}, {"port", port()}, {"tls", tls_.has_value()}});
  accept();
}

uint16_t HttpServer::port() const {
  beast::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void HttpServer::stopAccepting() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void HttpServer::accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<DetectSession>(std::move(socket), tls_ ? &*tls_ : nullptr, api_)->run();
    }
    accept();
  });
}

}  // namespace rooms
