#include "RoomsSignalingSession.h"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace rooms::loadgen {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;

RoomsSignalingSession::RoomsSignalingSession(asio::io_context& io, std::string host, uint16_t port,
                                             std::string target, OfferSpec offer, Callbacks callbacks)
    : ws_(io),
      host_(std::move(host)),
      port_(port),
      target_(std::move(target)),
      offer_(std::move(offer)),
      callbacks_(std::move(callbacks)) {}

void RoomsSignalingSession::fail(const std::string& what, const beast::error_code& ec) {
  if (closed_) return;
  closed_ = true;
  if (callbacks_.onError) callbacks_.onError(what + ": " + ec.message());
}

void RoomsSignalingSession::start() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host_, ec);
  if (ec) {
    fail("signaling host " + host_, ec);
    return;
  }
  beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
  beast::get_lowest_layer(ws_).async_connect(
      asio::ip::tcp::endpoint(address, port_), [self = shared_from_this()](const beast::error_code& ec) {
        if (ec) return self->fail("signaling connect", ec);
        self->ws_.async_handshake(self->host_ + ":" + std::to_string(self->port_), self->target_,
                                  [self](const beast::error_code& ec) {
                                    if (ec) return self->fail("signaling handshake", ec);
                                    // The session lives for hours in a soak: no timeout once open.
                                    beast::get_lowest_layer(self->ws_).expires_never();
                                    self->read();
                                  });
      });
}

void RoomsSignalingSession::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](const beast::error_code& ec, size_t) {
    if (ec) {
      if (ec != websocket::error::closed && ec != asio::error::operation_aborted)
        self->fail("signaling read", ec);
      return;
    }
    const std::string text = beast::buffers_to_string(self->buffer_.data());
    self->buffer_.consume(self->buffer_.size());
    self->onMessage(text);
    self->read();
  });
}

void RoomsSignalingSession::onMessage(const std::string& text) {
  const json frame = json::parse(text, nullptr, false);
  if (!frame.is_object() || !frame.contains("type")) return;
  const std::string type = frame.value("type", "");
  const json& data = frame.contains("data") ? frame["data"] : json::object();
  const auto takeCounts = [&](const json& d) {
    if (!d.contains("recv") || !d["recv"].is_object()) return;
    offer_.recvAudio = std::max(offer_.recvAudio, d["recv"].value("audio", 0));
    offer_.recvVideo = std::max(offer_.recvVideo, d["recv"].value("video", 0));
  };
  if (type == "welcome") {
    takeCounts(data);
    sendOffer();
  } else if (type == "renegotiate") {
    takeCounts(data);
    if (awaitingAnswer_) {
      offerAgain_ = true;
    } else {
      sendOffer();
    }
  } else if (type == "answer") {
    awaitingAnswer_ = false;
    ++answers_;
    if (answers_ == 1) {
      std::string error;
      const auto remote = ClientSdp::remoteParams(data.value("sdp", ""), error);
      if (!remote) {
        if (callbacks_.onError) callbacks_.onError("answer: " + error);
      } else if (callbacks_.onFirstAnswer) {
        callbacks_.onFirstAnswer(*remote);
      }
    }
    if (offerAgain_) {
      offerAgain_ = false;
      sendOffer();
    }
  } else if (type == "error") {
    if (callbacks_.onError) callbacks_.onError("server error frame: " + data.dump());
    awaitingAnswer_ = false;
  } else if (type == "room-ended") {
    closed_ = true;
  }
}

void RoomsSignalingSession::sendOffer() {
  ++offer_.version;
  json sources = json::object();
  int mid = 0;
  if (offer_.audioSsrc) sources[std::to_string(mid++)] = "microphone";
  if (offer_.videoSsrc) sources[std::to_string(mid++)] = "camera";
  awaitingAnswer_ = true;
  send(json{{"type", "offer"}, {"data", {{"sdp", ClientSdp::offer(offer_)}, {"sources", sources}}}}.dump());
}

void RoomsSignalingSession::send(std::string text) {
  outbox_.push_back(std::move(text));
  if (!writing_) writeNext();
}

void RoomsSignalingSession::writeNext() {
  if (outbox_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  ws_.text(true);
  ws_.async_write(asio::buffer(outbox_.front()),
                  [self = shared_from_this()](const beast::error_code& ec, size_t) {
                    self->outbox_.pop_front();
                    if (ec) return self->fail("signaling write", ec);
                    self->writeNext();
                  });
}

}  // namespace rooms::loadgen
