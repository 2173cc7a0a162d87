#include "api/HttpServer.h"

#include <boost/beast/core.hpp>
#include <boost/beast/core/detect_ssl.hpp>

#include <sys/resource.h>

#include <algorithm>

#include "api/HttpSession.h"
#include "core/Clock.h"
#include "core/Log.h"

namespace rooms {
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Reads just enough of a new connection to tell a TLS ClientHello from plain HTTP.
class DetectSession : public std::enable_shared_from_this<DetectSession> {
 public:
  DetectSession(tcp::socket&& socket, net::ssl::context* tls, ApiService& api, ConnectionTicket ticket)
      : stream_(std::move(socket)), tls_(tls), api_(api), ticket_(std::move(ticket)) {}

  void run() {
    if (!tls_) {
      startPlainSession(std::move(stream_), std::move(buffer_), api_, std::move(ticket_));
      return;
    }
    // As long as a request's headers may take: a connection that says nothing is not kept for longer.
    stream_.expires_after(std::chrono::seconds(10));
    beast::async_detect_ssl(stream_, buffer_, [self = shared_from_this()](beast::error_code ec, bool isTls) {
      if (ec) return;
      if (isTls) {
        startTlsSession(std::move(self->stream_), *self->tls_, std::move(self->buffer_), self->api_,
                        std::move(self->ticket_));
      } else {
        startPlainSession(std::move(self->stream_), std::move(self->buffer_), self->api_,
                          std::move(self->ticket_));
      }
    });
  }

 private:
  beast::tcp_stream stream_;
  net::ssl::context* tls_;
  ApiService& api_;
  beast::flat_buffer buffer_;
  ConnectionTicket ticket_;
};

constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);

}  // namespace

ConnectionLimiter::Limits HttpServer::limitsFor(const Config& config) {
  ConnectionLimiter::Limits limits;
  limits.perAddress = config.maxConnectionsPerAddress;
  if (config.maxConnections > 0) {
    limits.total = config.maxConnections;
  } else {
    // Three quarters of the descriptors: the rest are the database, media sockets, webhook and engine
    // clients, and WebSockets (which do not count here).
    rlimit nofile{};
    const rlim_t soft = getrlimit(RLIMIT_NOFILE, &nofile) == 0 ? nofile.rlim_cur : 1024;
    limits.total =
        std::clamp<size_t>(static_cast<size_t>(std::min<rlim_t>(soft, 1'000'000) * 3 / 4), 16, 10000);
  }
  return limits;
}

HttpServer::HttpServer(net::io_context& io, ApiService& api, const Config& config)
    : io_(io),
      api_(api),
      config_(config),
      acceptor_(io),
      limiter_(limitsFor(config)),
      refusedMetric_(api.context().metrics.counter(
          "rooms_http_connections_refused_total",
          "Connections closed on arrival: over their address's share, or over the total with nothing idle")),
      shedMetric_(api.context().metrics.counter("rooms_http_connections_shed_total",
                                                "Idle connections closed to make room for new ones")),
      backoff_(io) {
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
  backoff_.cancel();
}

void HttpServer::accept() {
  acceptor_.async_accept(net::make_strand(io_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
        ec == net::error::no_memory || ec.value() == ENFILE) {
      onAcceptExhausted(ec);
      return;
    }
    if (!ec) {
      const auto peer = socket.remote_endpoint(ec);
      auto ticket = ec ? nullptr : limiter_.admit(peer.address().to_string());
      if (ticket) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<DetectSession>(std::move(socket), tls_ ? &*tls_ : nullptr, api_, std::move(ticket))
            ->run();
      } else {
        socket.close(ec);  // over its address's share, or nothing idle to close for it
      }
      publishLimiterCounters();
    }
    accept();
  });
}

void HttpServer::publishLimiterCounters() {
  const auto& now = limiter_.counters();
  if (now.refused > published_.refused)
    refusedMetric_.Increment(static_cast<double>(now.refused - published_.refused));
  if (now.shed > published_.shed) shedMetric_.Increment(static_cast<double>(now.shed - published_.shed));
  published_ = now;
}

void HttpServer::onAcceptExhausted(const boost::system::error_code& ec) {
  const bool shed = limiter_.shedOne();
  publishLimiterCounters();
  if (exhaustedLog_.allow(steadyNowMs())) {
    log::warn("accept_exhausted",
              {{"error", ec.message()},
               {"times", exhaustedLog_.times()},
               {"connections", limiter_.open()},
               {"shedIdle", shed},
               {"hint", "raise the descriptor limit (ulimit -n) or lower ROOMS_MAX_CONNECTIONS"}});
  }
  if (shed) {
    accept();  // the idle connection's descriptor is free now
    return;
  }
  backoff_.expires_after(kAcceptBackoff);
  backoff_.async_wait([this](const boost::system::error_code& waitEc) {
    if (!waitEc && acceptor_.is_open()) accept();
  });
}

}  // namespace rooms
