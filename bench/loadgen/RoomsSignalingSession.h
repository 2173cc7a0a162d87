#pragma once
// One participant's signaling WebSocket to roomsd (docs/signaling.md), as the room page speaks it: wait for
// welcome, offer our sending sections plus as many receivers as the server asks for, answer every
// renegotiate with a fresh offer (same ICE credentials, so no ICE restart), and hand the first answer's
// transport parameters to the media thread. Runs on the control io_context; owns nothing of the media plane.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "ClientSdp.h"

namespace rooms::loadgen {

class RoomsSignalingSession : public std::enable_shared_from_this<RoomsSignalingSession> {
 public:
  struct Callbacks {
    std::function<void(const RemoteParams&)> onFirstAnswer;  // control thread
    std::function<void(const std::string&)> onError;
  };

  RoomsSignalingSession(boost::asio::io_context& io, std::string host, uint16_t port, std::string target,
                        OfferSpec offer, Callbacks callbacks);
  void start();

 private:
  void fail(const std::string& what, const boost::system::error_code& ec);
  void read();
  void onMessage(const std::string& text);
  void sendOffer();
  void send(std::string text);
  void writeNext();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  std::string host_;
  uint16_t port_;
  std::string target_;
  OfferSpec offer_;
  Callbacks callbacks_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool awaitingAnswer_ = false;
  bool offerAgain_ = false;
  bool closed_ = false;
  int answers_ = 0;
};

}  // namespace rooms::loadgen
