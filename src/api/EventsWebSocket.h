#pragma once
// GET /events/{roomId}?token={api key}[&since={lastEventId}]: a room's events as WebSocket text frames
// {"id":N,"type":"...","data":{...}}. With since, every stored event after that id is replayed first (in
// pages, from the database), then live events follow with no gap and no duplicate, so a subscriber that
// reconnects with the last id it saw misses nothing. A subscriber that cannot keep up is closed (1008) and
// can resume with since.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>
#include <string>

#include "api/ApiService.h"
#include "api/ConnectionLimiter.h"
#include "api/WebSocketSetup.h"
#include "events/EventSubscriber.h"

namespace rooms {

template <class NextLayer>
class EventsWebSocket : public EventSubscriber,
                        public std::enable_shared_from_this<EventsWebSocket<NextLayer>> {
 public:
  static constexpr size_t kReplayPage = 500;
  static constexpr size_t kMaxQueued = 10000;

  EventsWebSocket(NextLayer&& stream, ApiService& api, std::string roomId, std::optional<int64_t> since,
                  ConnectionTicket ticket)
      : ws_(std::move(stream)),
        api_(api),
        ticket_(std::move(ticket)),
        roomId_(std::move(roomId)),
        replayFrom_(since) {
    // Only the main app opens events sockets (API key): they leave the per-address cap (ConnectionLimiter).
    if (ticket_) ticket_->upgraded(/*apiKey=*/true);
    ++api_.context().openConnections;
  }
  ~EventsWebSocket() override { --api_.context().openConnections; }

  void run(boost::beast::http::request<boost::beast::http::string_body> req) {
    prepareServerWebSocket(ws_, 64 * 1024);
    ws_.async_accept(req,
                     [self = this->shared_from_this()](boost::beast::error_code ec) { self->onAccept(ec); });
  }

  void onEvent(const Event& event, const std::string& frame) override {
    if (replayFrom_ || closed_ || event.id <= lastQueued_)
      return;  // a replay in progress reads it from the log
    enqueue(event.id, frame);
  }

  void onShutdown(const std::string& reason) override {
    if (closed_) return;
    closeWith(boost::beast::websocket::close_code::going_away, reason);
  }

 private:
  void onAccept(boost::beast::error_code ec) {
    if (ec) return;
    api_.context().events.subscribe(roomId_, this->shared_from_this());
    subscribed_ = true;
    if (api_.context().draining) {
      closeWith(boost::beast::websocket::close_code::going_away, "server shutting down");
      return;
    }
    if (replayFrom_) replayNextPage();
    doRead();
  }

  void replayNextPage() {
    auto page = api_.context().events.history(roomId_, *replayFrom_, kReplayPage);
    for (const auto& e : page) enqueue(e.id, e.frame());
    if (page.size() < kReplayPage) {
      replayFrom_.reset();  // caught up: from here on live events arrive through onEvent
    } else {
      replayFrom_ = page.back().id;
    }
  }

  void enqueue(int64_t id, const std::string& frame) {
    if (queue_.size() >= kMaxQueued) {
      closeWith(boost::beast::websocket::close_code::policy_error,
                "subscriber too slow; reconnect with since=");
      return;
    }
    lastQueued_ = id;
    queue_.push_back(frame);
    if (!writing_) doWrite();
  }

  void doWrite() {
    if (queue_.empty() || closed_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(
        boost::asio::buffer(queue_.front()),
        [self = this->shared_from_this()](boost::beast::error_code ec, size_t) { self->onWrite(ec); });
  }

  void onWrite(boost::beast::error_code ec) {
    if (ec) {
      finish();
      return;
    }
    queue_.pop_front();
    if (queue_.empty() && replayFrom_) replayNextPage();
    doWrite();
  }

  void doRead() {
    ws_.async_read(readBuffer_, [self = this->shared_from_this()](boost::beast::error_code ec, size_t) {
      if (ec) {
        self->finish();
        return;
      }
      // Subscribers have nothing to say; what they send is read (to see pings and closes) and dropped.
      self->readBuffer_.consume(self->readBuffer_.size());
      self->doRead();
    });
  }

  void closeWith(boost::beast::websocket::close_code code, const std::string& reason) {
    if (closed_) return;
    closed_ = true;
    queue_.clear();
    finish();
    ws_.async_close(boost::beast::websocket::close_reason(code, reason),
                    [self = this->shared_from_this()](boost::beast::error_code) {});
  }

  void finish() {
    if (subscribed_) {
      subscribed_ = false;
      api_.context().events.unsubscribe(roomId_, this);
    }
  }

  boost::beast::websocket::stream<NextLayer> ws_;
  ApiService& api_;
  ConnectionTicket ticket_;  // counts this socket in the ConnectionLimiter until it closes
  std::string roomId_;
  std::optional<int64_t> replayFrom_;
  std::deque<std::string> queue_;
  boost::beast::flat_buffer readBuffer_;
  int64_t lastQueued_ = 0;
  bool writing_ = false;
  bool closed_ = false;
  bool subscribed_ = false;
};

}  // namespace rooms
