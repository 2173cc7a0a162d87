#include <boost/beast/ssl.hpp>

#include "api/EventsWebSocket.h"
#include "api/HttpSession.h"
#include "api/HttpSessionBase.h"
#include "api/SignalingWebSocket.h"

namespace rooms {
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = boost::asio::ssl;

namespace {

using http_session::HttpSessionBase;

class TlsSession : public HttpSessionBase<TlsSession>, public std::enable_shared_from_this<TlsSession> {
 public:
  TlsSession(beast::tcp_stream&& stream, ssl::context& ctx, beast::flat_buffer&& buffer, ApiService& api,
             ConnectionTicket ticket)
      : HttpSessionBase(std::move(buffer), api, std::move(ticket)), stream_(std::move(stream), ctx) {}
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
  // TLS has no half-close that keeps reading: close_notify comes after the drain, in doEof.
  void shutdownSend() {}
  void doEof() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }
  void upgrade(std::string roomId, std::optional<int64_t> since, http::request<http::string_body> req) {
    std::make_shared<EventsWebSocket<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(stream_), api_, std::move(roomId), since, std::move(ticket_))
        ->run(std::move(req));
  }
  void upgradeSignal(ApiService::SignalUpgrade upgrade, http::request<http::string_body> req) {
    std::make_shared<SignalingWebSocket<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(stream_), api_, std::move(upgrade), std::move(ticket_))
        ->run(std::move(req));
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

void startTlsSession(beast::tcp_stream&& stream, ssl::context& tls, beast::flat_buffer&& buffer,
                     ApiService& api, ConnectionTicket ticket) {
  std::make_shared<TlsSession>(std::move(stream), tls, std::move(buffer), api, std::move(ticket))->run();
}

}  // namespace rooms
