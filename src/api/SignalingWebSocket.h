#pragma once
// GET /signal/{roomId}?token={participant JWT}: the browser's signaling socket (docs/signaling.md). The token
// was verified before the upgrade; this class only moves text frames between the socket and the
// SignalingServer, in order, and closes with the code the server chose after the frames queued before it.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "api/ApiService.h"
#include "api/ConnectionLimiter.h"
#include "api/SignalingRelay.h"
#include "api/WebSocketSetup.h"
#include "signaling/SignalingServer.h"

namespace rooms {

template <class NextLayer>
class SignalingWebSocket : public signaling::SignalingChannel,
                           public std::enable_shared_from_this<SignalingWebSocket<NextLayer>> {
 public:
  // A page that stops reading (a frozen tab) must not grow our memory without bound.
  static constexpr size_t kMaxQueued = 1000;

  SignalingWebSocket(NextLayer&& stream, ApiService& api, ApiService::SignalUpgrade upgrade,
                     ConnectionTicket ticket)
      : ws_(std::move(stream)),
        api_(api),
        ticket_(std::move(ticket)),
        identity_(std::move(upgrade.identity)) {
    // A socket another node relays counts against the page's own address there, not against the node's here.
    if (ticket_) ticket_->upgraded(/*apiKey=*/upgrade.fromPeer);
    if (!upgrade.relayTo.empty()) {
      relayTarget_ = SignalingRelay::Target{std::move(upgrade.relayTo), "", std::move(upgrade.requestId),
                                            std::move(upgrade.forwardedBy), std::move(upgrade.clientIp)};
    }
    ++api_.context().openConnections;
  }
  ~SignalingWebSocket() override { --api_.context().openConnections; }

  void run(boost::beast::http::request<boost::beast::http::string_body> req) {
    if (relayTarget_) {
      relayTarget_->path = std::string(req.target());
      relay_ = SignalingRelay::create(ws_.get_executor(), std::move(*relayTarget_));
    }
    prepareServerWebSocket(ws_, signaling::SignalingServer::kMaxFrameBytes);
    ws_.async_accept(req,
                     [self = this->shared_from_this()](boost::beast::error_code ec) { self->onAccept(ec); });
  }

  void send(std::string frame) override {
    if (closing_) return;
    if (queue_.size() >= kMaxQueued) {
      close(boost::beast::websocket::close_code::policy_error, "client too slow");
      return;
    }
    queue_.push_back(std::move(frame));
    if (!writing_) doWrite();
  }

  void close(uint16_t code, std::string reason) override {
    if (closing_) return;
    closing_ = true;
    closeReason_ = boost::beast::websocket::close_reason(code);
    closeReason_.reason = reason;
    if (!writing_) doWrite();
  }

 private:
  void onAccept(boost::beast::error_code ec) {
    if (ec) return;
    auto* server = api_.context().signaling;
    if (relay_) {
      // Another node holds the room: its SignalingServer runs this page's session (docs/cluster.md).
      relay_->start(this->weak_from_this());
    } else if (!server || api_.context().draining) {
      close(boost::beast::websocket::close_code::going_away, "server shutting down");
    } else {
      peer_ = server->connect(identity_, this->shared_from_this());
    }
    doRead();
  }

  void doRead() {
    ws_.async_read(readBuffer_, [self = this->shared_from_this()](boost::beast::error_code ec, size_t) {
      self->onRead(ec);
    });
  }

  void onRead(boost::beast::error_code ec) {
    if (ec) {
      if (ec == boost::beast::websocket::error::message_too_big) {
        close(boost::beast::websocket::close_code::too_big, "frame larger than 256 KiB");
      }
      finish();
      return;
    }
    if (!ws_.got_text()) {
      close(boost::beast::websocket::close_code::bad_payload, "signaling frames are JSON text");
    } else if (relay_) {
      const auto data = readBuffer_.cdata();
      relay_->send(std::string(static_cast<const char*>(data.data()), data.size()));
    } else if (peer_ && api_.context().signaling) {
      const auto data = readBuffer_.cdata();
      api_.context().signaling->onMessage(
          peer_, std::string_view(static_cast<const char*>(data.data()), data.size()));
    }
    readBuffer_.consume(readBuffer_.size());
    doRead();
  }

  void doWrite() {
    if (closeSent_) return;
    if (queue_.empty()) {
      writing_ = false;
      if (!closing_) return;
      closeSent_ = true;
      writing_ = true;
      ws_.async_close(closeReason_, [self = this->shared_from_this()](boost::beast::error_code) {
        self->writing_ = false;
        self->finish();
      });
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(queue_.front()),
                    [self = this->shared_from_this()](boost::beast::error_code ec, size_t) {
                      if (ec) {
                        self->queue_.clear();
                        self->writing_ = false;
                        self->finish();
                        return;
                      }
                      self->queue_.pop_front();
                      self->doWrite();
                    });
  }

  // The socket is done (closed by either side or failed): tell the server once and drop the peer, which
  // breaks the peer <-> channel reference cycle.
  void finish() {
    if (relay_) {
      relay_->stop();
      return;
    }
    if (!peer_) return;
    auto peer = std::move(peer_);
    peer_.reset();
    if (api_.context().signaling) api_.context().signaling->onClosed(peer);
  }

  boost::beast::websocket::stream<NextLayer> ws_;
  ApiService& api_;
  ConnectionTicket ticket_;  // counts this socket in the ConnectionLimiter until it closes
  signaling::ParticipantIdentity identity_;
  std::shared_ptr<signaling::SignalingPeer> peer_;
  std::optional<SignalingRelay::Target> relayTarget_;
  std::shared_ptr<SignalingRelay> relay_;
  std::deque<std::string> queue_;
  boost::beast::flat_buffer readBuffer_;
  boost::beast::websocket::close_reason closeReason_;
  bool writing_ = false;
  bool closing_ = false;
  bool closeSent_ = false;
};

}  // namespace rooms
