#pragma once
// HTTP/1.1 sessions over a plain or TLS stream: read a request, run it through ApiService, write the answer,
// repeat while keep-alive; hand WebSocket upgrades to EventsWebSocket and SignalingWebSocket. The request
// loop is HttpSessionBase.h; HttpPlainSession.cpp and HttpTlsSession.cpp start the two kinds.
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>

#include "api/ApiService.h"
#include "api/ConnectionLimiter.h"

namespace rooms {

void startPlainSession(boost::beast::tcp_stream&& stream, boost::beast::flat_buffer&& buffer, ApiService& api,
                       ConnectionTicket ticket);
void startTlsSession(boost::beast::tcp_stream&& stream, boost::asio::ssl::context& tls,
                     boost::beast::flat_buffer&& buffer, ApiService& api, ConnectionTicket ticket);

}  // namespace rooms
