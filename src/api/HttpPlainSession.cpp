#include <boost/beast/ssl.hpp>

#include "api/EventsWebSocket.h"
#include "api/HttpSession.h"
#include "api/HttpSessionBase.h"
#include "api/SignalingWebSocket.h"

namespace rooms {
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

using http_session::HttpSessionBase;

class PlainSession : public HttpSessionBase<PlainSession>, public std::enable_shared_from_this<PlainSession> {
 public:
  PlainSession(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, ApiService& api,
               ConnectionTicket ticket)
      : HttpSessionBase(std::move(buffer), api, std::move(ticket)), stream_(std::move(stream)) {}
  void run() { doRead(); }
  beast::tcp_stream& stream() { return stream_; }
  void doEof() { shutdownSend(); }
  // Our answer is complete: the client sees its end while we read what it still sends.
  void shutdownSend() {
    beast::error_code ec;
    stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
  }
  void upgrade(std::string roomId, std::optional<int64_t> since, http::request<http::string_body> req) {
    std::make_shared<EventsWebSocket<beast::tcp_stream>>(std::move(stream_), api_, std::move(roomId), since,
                                                         std::move(ticket_))
        ->run(std::move(req));
  }
  void upgradeSignal(ApiService::SignalUpgrade upgrade, http::request<http::string_body> req) {
    std::make_shared<SignalingWebSocket<beast::tcp_stream>>(std::move(stream_), api_, std::move(upgrade),
                                                            std::move(ticket_))
        ->run(std::move(req));
  }

 private:
  beast::tcp_stream stream_;
};

}  // namespace

void startPlainSession(beast::tcp_stream&& stream, beast::flat_buffer&& buffer, ApiService& api,
                       ConnectionTicket ticket) {
  std::make_shared<PlainSession>(std::move(stream), std::move(buffer), api, std::move(ticket))->run();
}

}  // namespace rooms
