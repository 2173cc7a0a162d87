#pragma once
// The request loop shared by the plain and the TLS session (CRTP, as in Boost.Beast's flex server): read a
// request, run it through ApiService, write the answer, repeat while keep-alive; hand WebSocket upgrades to
// the derived session. Each derived session is compiled in its own file (HttpPlainSession.cpp,
// HttpTlsSession.cpp): the two instantiations in one translation unit took four minutes to compile.
#include <boost/beast/websocket.hpp>
#include <boost/range/iterator_range.hpp>
#include <chrono>
#include <optional>

#include "api/ApiError.h"
#include "api/ApiService.h"
#include "api/ClientAddress.h"
#include "api/ConnectionLimiter.h"
#include "core/Clock.h"
#include "core/Ids.h"

namespace rooms::http_session {
namespace beast = boost::beast;
namespace http = beast::http;

// A kept-alive connection may sit idle this long before its next request.
inline constexpr auto kIdleTimeout = std::chrono::seconds(60);
// From a request's first byte to the end of its headers, and then to the end of its body: a client that
// trickles bytes to hold a connection and its buffer open is cut off in seconds, not a minute.
inline constexpr auto kHeaderTimeout = std::chrono::seconds(10);
inline constexpr auto kBodyTimeout = std::chrono::seconds(15);
inline constexpr size_t kHeaderLimit = 16 * 1024;
// After refusing a request whose body is still arriving, how long and how much of it is read and thrown
// away before closing (a lingering close): closing at once resets the connection under a client that is
// still writing, and it never reads the answer (a Node fetch of an 8 MiB body reported EPIPE, not 413).
inline constexpr auto kLingerTimeout = std::chrono::seconds(5);
inline constexpr size_t kLingerBytes = 64 * 1024 * 1024;
inline constexpr size_t kReadChunk = 16 * 1024;

template <class Derived>
class HttpSessionBase {
 public:
  HttpSessionBase(beast::flat_buffer&& buffer, ApiService& api, ConnectionTicket ticket)
      : buffer_(std::move(buffer)), api_(api), ticket_(std::move(ticket)) {
    ++api_.context().openConnections;
  }
  ~HttpSessionBase() { --api_.context().openConnections; }

 protected:
  Derived& derived() { return static_cast<Derived&>(*this); }

  // Waits for the next request's first bytes (up to kIdleTimeout), then reads its headers.
  void doRead() {
    // Until its headers are in, the connection is idle: it may be closed to make room for another.
    if (ticket_) {
      ticket_->idle(
          [weak = derived().weak_from_this()] {
            if (auto self = weak.lock()) {
              beast::error_code ec;
              beast::get_lowest_layer(self->stream()).socket().close(ec);
            }
          },
          steadyNowMs());
    }
    if (buffer_.size() > 0) {
      readHeader();
      return;
    }
    beast::get_lowest_layer(derived().stream()).expires_after(kIdleTimeout);
    derived().stream().async_read_some(buffer_.prepare(kReadChunk),
                                       [self = derived().shared_from_this()](beast::error_code ec, size_t n) {
                                         if (ec) {
                                           if (ec == boost::asio::error::eof) self->derived().doEof();
                                           return;
                                         }
                                         self->buffer_.commit(n);
                                         self->readHeader();
                                       });
  }

  void readHeader() {
    parser_.emplace();
    // The declared length is judged after authentication (onHeader): a client without a key learns nothing
    // but that.
    parser_->body_limit(boost::none);
    parser_->header_limit(kHeaderLimit);
    beast::get_lowest_layer(derived().stream()).expires_after(kHeaderTimeout);
    http::async_read_header(
        derived().stream(), buffer_, *parser_,
        [self = derived().shared_from_this()](beast::error_code ec, size_t) { self->onHeader(ec); });
  }

  // Errors of reading a request: true when handled (answered or closed).
  bool readFailed(beast::error_code ec) {
    if (!ec) return false;
    if (ec == http::error::end_of_stream) {
      derived().doEof();
    } else if (ec == http::error::body_limit) {
      writeError(413, "payload_too_large",
                 "request body exceeds " + std::to_string(api_.context().config.maxBodyBytes) + " bytes",
                 /*linger=*/true);
    } else if (ec == http::error::header_limit) {
      writeError(431, "headers_too_large", "request headers exceed 16 KiB");
    } else if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      // Parse errors get an answer; timeouts and resets just end the connection.
      writeError(400, "bad_request", "malformed HTTP request: " + ec.message());
    }
    return true;
  }

  void onHeader(beast::error_code ec) {
    if (ticket_) ticket_->busy();
    if (readFailed(ec)) return;
    auto& msg = parser_->get();
    // RFC 9112 3.2: a 1.1 request without Host is refused, so a proxy and we agree on which host was meant.
    if (msg.version() >= 11 && msg.find(http::field::host) == msg.end()) {
      writeError(400, "missing_host", "HTTP/1.1 requests must carry a Host header", /*linger=*/true);
      return;
    }
    // RFC 9112 6.3: a request whose last transfer coding is not chunked has no knowable length. The parser
    // would read it as bodiless and the body would run as the next request on the connection (smuggling).
    if (msg.find(http::field::transfer_encoding) != msg.end() && !parser_->chunked()) {
      writeError(400, "bad_transfer_encoding", "Transfer-Encoding must end in chunked", /*linger=*/true);
      return;
    }

    req_ = ApiRequest{};
    req_.method = msg.method();
    req_.setTarget(std::string_view(msg.target().data(), msg.target().size()));
    req_.headers = &msg.base();
    std::string forwardedFor;
    for (const auto& f : boost::make_iterator_range(msg.equal_range("X-Forwarded-For"))) {
      if (!forwardedFor.empty()) forwardedFor += ',';
      forwardedFor.append(f.value().data(), f.value().size());
    }
    req_.clientIp = clientAddress(clientIp(), forwardedFor, api_.context().config.trustedProxies);

    if (beast::websocket::is_upgrade(msg) && req_.path.rfind("/signal/", 0) == 0) {
      ApiService::SignalUpgrade upgrade;
      if (auto refused = api_.authorizeSignalUpgrade(req_, upgrade)) {
        refused->headers.emplace_back("X-Request-Id", req_.requestId);
        write(*refused, false);
        return;
      }
      derived().upgradeSignal(std::move(upgrade), parser_->release());
      return;
    }
    if (beast::websocket::is_upgrade(msg)) {
      if (auto refused = api_.authorizeEventsUpgrade(req_)) {
        refused->headers.emplace_back("X-Request-Id", req_.requestId);
        write(*refused, false);
        return;
      }
      std::optional<int64_t> since;
      if (auto s = req_.queryValue("since"); !s.empty()) since = std::stoll(std::string(s));
      derived().upgrade(std::string(req_.param("roomId")), since, parser_->release());
      return;
    }

    admission_ = api_.admit(req_);
    if (ticket_ && !req_.apiKeyLabel.empty()) ticket_->authenticated();
    if (admission_.answer) {
      // Refused on its headers (no key, rate-limited, no such route): the body is never read.
      const bool bodyPending = !parser_->is_done();
      write(api_.handle(req_, admission_), !bodyPending && keepAlive(msg), /*linger=*/bodyPending);
      return;
    }
    if (parser_->is_done()) {
      onBody({});
      return;
    }
    const size_t limit = api_.context().config.maxBodyBytes;
    if (auto length = parser_->content_length(); length && *length > limit) {
      readFailed(http::error::body_limit);
      return;
    }
    parser_->body_limit(limit);  // for a chunked body, whose length shows only as it arrives
    beast::get_lowest_layer(derived().stream()).expires_after(kBodyTimeout);
    // A client that asked (curl does for bodies over 1 KiB) is told to send the body now that the request
    // is admitted, instead of waiting a second for an answer that would otherwise never come.
    const auto expect = msg.find(http::field::expect);
    if (expect != msg.end() && beast::iequals(expect->value(), "100-continue") && buffer_.size() == 0) {
      auto go = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(derived().stream(), *go,
                        [self = derived().shared_from_this(), go](beast::error_code ec, size_t) {
                          if (!ec) self->readBody();
                        });
      return;
    }
    readBody();
  }

  void readBody() {
    http::async_read(
        derived().stream(), buffer_, *parser_,
        [self = derived().shared_from_this()](beast::error_code ec, size_t) { self->onBody(ec); });
  }

  void onBody(beast::error_code ec) {
    if (readFailed(ec)) return;
    auto& msg = parser_->get();
    req_.body = std::move(msg.body());
    const bool keep = keepAlive(msg);
    if (!admission_.forwardTo.empty()) {
      // Cluster: another node answers (OwnerForwarder). Its answer comes back on a forwarder thread and is
      // written from this connection's own.
      api_.forward(req_, admission_, [self = derived().shared_from_this(), keep](ApiResponse res) {
        auto executor = beast::get_lowest_layer(self->stream()).get_executor();
        boost::asio::post(executor, [self, keep, res = std::move(res)]() mutable {
          self->write(self->api_.finish(self->req_, self->admission_, std::move(res)), keep);
        });
      });
      return;
    }
    write(api_.handle(req_, admission_), keep);
  }

  bool keepAlive(const http::request<http::string_body>& msg) const {
    return msg.keep_alive() && !api_.context().draining;
  }

  void writeError(unsigned status, const char* code, const std::string& message, bool linger = false) {
    auto res = errorResponse(status, code, message);
    res.headers.emplace_back("X-Request-Id", randomHex(8));  // every answer carries one (docs/api.md)
    write(res, false, linger);
  }

  // linger: the request's body may still be arriving; read and discard it (bounded) before closing.
  void write(const ApiResponse& r, bool keepAlive, bool linger = false) {
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    res->set(http::field::server, "roomsd");
    if (!r.contentType.empty()) res->set(http::field::content_type, r.contentType);
    res->set(http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers) res->insert(k, v);
    res->body() = r.body;
    res->keep_alive(keepAlive);
    res->prepare_payload();
    http::async_write(
        derived().stream(), *res,
        [self = derived().shared_from_this(), res, keepAlive, linger](beast::error_code ec, size_t) {
          if (ec) return;
          if (keepAlive) {
            self->doRead();
          } else if (linger) {
            self->lingerThenClose();
          } else {
            self->derived().doEof();
          }
        });
  }

  void lingerThenClose() {
    derived().shutdownSend();
    lingered_ = 0;
    beast::get_lowest_layer(derived().stream()).expires_after(kLingerTimeout);
    drain();
  }

  void drain() {
    buffer_.clear();
    derived().stream().async_read_some(buffer_.prepare(kReadChunk),
                                       [self = derived().shared_from_this()](beast::error_code ec, size_t n) {
                                         self->lingered_ += n;
                                         if (ec || self->lingered_ >= kLingerBytes) {
                                           self->derived().doEof();
                                           return;
                                         }
                                         self->drain();
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
  ApiRequest req_;
  ApiService::Admission admission_;
  size_t lingered_ = 0;
  ConnectionTicket ticket_;
};

}  // namespace rooms::http_session
