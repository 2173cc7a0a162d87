#include "api/HttpSession.h"

#include <boost/beast/websocket.hpp>
#include <chrono>

#include "api/ApiError.h"
#include "api/EventsWebSocket.h"
#include "api/SignalingWebSocket.h"
#include "core/Ids.h"

namespace rooms {
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;

namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);

template <class Derived>
class HttpSession {
 public:
  HttpSession(beast::flat_buffer&& buffer, ApiService& api) : buffer_(std::move(buffer)), api_(api) {
    ++api_.context().openConnections;
  }
  ~HttpSession() { --api_.context().openConnections; }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  void doRead() {
    parser_.emplace();
    parser_->body_limit(api_.context().config.maxBodyBytes);
    parser_->header_limit(16 * 1024);
    beast::get_lowest_layer(derived().stream()).expires_after(kIdleTimeout);
    http::async_read(
        derived().stream(), buffer_, *parser_,
        [self = derived().shared_from_this()](beast::error_code ec, size_t) { self->onRead(ec); });
  }

  void onRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream) {
      derived().doEof();
      return;
    }
    if (ec == http::error::body_limit) {
      writeError(413, "payload_too_large",
                 "request body exceeds " + std::to_string(api_.context().config.maxBodyBytes) + " bytes");
      return;
    }
    if (ec == http::error::header_limit) {
      writeError(431, "headers_too_large", "request headers exceed 16 KiB");
      return;
    }
    if (ec) {
      // Parse errors get an answer; timeouts and resets just end the connection.
      if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
        writeError(400, "bad_request", "malformed HTTP request: " + ec.message());
      }
      return;
    }

    auto& msg = parser_->get();
    ApiRequest req;
    req.method = msg.method();
    req.setTarget(std::string_view(msg.target().data(), msg.target().size()));
    req.headers = &msg.base();
    req.clientIp = clientIp();

    if (beast::websocket::is_upgrade(msg) && req.path.rfind("/signal/", 0) == 0) {
      signaling::ParticipantIdentity identity;
      if (auto refused = api_.authorizeSignalUpgrade(req, identity)) {
        refused->headers.emplace_back("X-Request-Id", req.requestId);
        write(*refused, false);
        return;
      }
      derived().upgradeSignal(std::move(identity), parser_->release());
      return;
    }
    if (beast::websocket::is_upgrade(msg)) {
      if (auto refused = api_.authorizeEventsUpgrade(req)) {
        refused->headers.emplace_back("X-Request-Id", req.requestId);
        write(*refused, false);
        return;
      }
      std::optional<int64_t> since;
      if (auto s = req.queryValue("since"); !s.empty()) since = std::stoll(std::string(s));
      derived().upgrade(std::string(req.param("roomId")), since, parser_->release());
      return;
    }

    req.body = std::move(msg.body());
    ApiResponse res = api_.handle(req);
    write(res, msg.keep_alive() && !api_.context().draining);
  }

  void writeError(unsigned status, const char* code, const std::string& message) {
    auto res = errorResponse(status, code, message);
    res.headers.emplace_back("X-Request-Id", randomHex(8));  // every answer carries one (docs/api.md)
    write(res, false);
  }

  void write(const ApiResponse& r, bool keepAlive) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "roomsd");
    if (!r.contentType.empty()) res->set(http::field::content_type, r.contentType);
    res->set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = r.body;
    res->keep_alive(keepAlive);
    res->prepare_payload();
    http::async_write(derived().stream(), *res,
                      [self = derived().shared_from_this(), res, keepAlive](beast::error_code ec, size_t) {
                        if (ec) return;
                        if (!keepAlive) {
                          self->derived().doEof();
                          return;
                        }
                        self->doRead();
                      });
  }

  std::string clientIp() {
    beast::error_code ec;
    auto ep = beast::get_lowest_layer(derived().stream()).socket().remote_endpoint(ec);
    return ec ? std::string("unknown") : ep.address().to_string();
  }

  beast::flat_buffer buffer_;
  ApiService& api_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

class PlainSession : public HttpSession<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, ApiService& api)
      : HttpSession(std::move(buffer), api), stream_(std::move(stream)) {}
  void run() { doRead(); }
  beast::tcp_stream& stream() { return stream_; }
  void doEof() {
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  }
  void upgrade(std::string roomId, std::optional<int64_t> since, http::request<http::string_body> req) {
    std::make_shared<EventsWebSocket<beast::tcp_stream>>(std::move(stream_), api_, std::move(roomId), since)
        ->run(std::move(req));
  }
  void upgradeSignal(signaling::ParticipantIdentity identity, http::request<http::string_body> req) {
    std::make_shared<SignalingWebSocket<beast::tcp_stream>>(std::move(stream_), api_, std::move(identity))
        ->run(std::move(req));
  }

 private:
  beast::tcp_stream stream_;
};

class TlsSession : public HttpSession<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(beast::tcp_stream&& stream, ssl::context& ctx, beast::flat_buffer&& buffer, ApiService& api)
      : HttpSession(std::move(buffer), api), stream_(std::move(stream), ctx) {}
  void run() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
    // The detector already consumed the ClientHello's first bytes into buffer_; the handshake starts from
    // them. The default argument works around Boost 1.81's concept check, which wants the buffered
    // handshake's handler callable with the error code alone.
    stream_.async_handshake(ssl::stream_base::server, buffer_.data(),
                            [self = shared_from_this()](beast::error_code ec, size_t used = 0) {
                              if (ec) return;
                              self->buffer_.consume(used);
                              self->doRead();
                            });
  }
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void doEof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }
  void upgrade(std::string roomId, std::optional<int64_t> since, http::request<http::string_body> req) {
    std::make_shared<EventsWebSocket<beast::ssl_stream<beast::tcp_stream>>>(std::move(stream_), api_,
                                                                            std::move(roomId), since)
        ->run(std::move(req));
  }
  void upgradeSignal(signaling::ParticipantIdentity identity, http::request<http::string_body> req) {
    std::make_shared<SignalingWebSocket<beast::ssl_stream<beast::tcp_stream>>>(std::move(stream_), api_,
                                                                               std::move(identity))
        ->run(std::move(req));
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

void startPlainSession(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, ApiService& api) {
  std::make_shared<PlainSession>(std::move(stream), std::move(buffer), api)->run();
}

void startTlsSession(beast::tcp_stream&& stream, ssl::context& tls, beast::flat_buffer&& buffer,
                     ApiService& api) {
  std::make_shared<TlsSession>(std::move(stream), tls, std::move(buffer), api)->run();
}

}  // namespace rooms
