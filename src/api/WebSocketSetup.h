#pragma once
// What every server-side WebSocket of roomsd sets before accepting: no HTTP-phase deadline (the socket
// lives as long as the call), Beast's suggested server timeouts (pings keep idle sockets honest), our
// Server header, and a frame size limit.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <cstddef>

namespace rooms {

template <class NextLayer>
void prepareServerWebSocket(boost::beast::websocket::stream<NextLayer>& ws, size_t maxMessageBytes) {
  namespace websocket = boost::beast::websocket;
  boost::beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
  ws.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(boost::beast::http::field::server, "roomsd"); }));
  ws.read_message_max(maxMessageBytes);
}

}  // namespace rooms
