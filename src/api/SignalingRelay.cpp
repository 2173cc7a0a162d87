#include "api/SignalingRelay.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <mutex>

#include "core/Clock.h"
#include "core/Log.h"
#include "core/LogThrottle.h"

namespace rooms {
namespace {
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

constexpr uint16_t kGoingAway = 1011;  // the page's reconnect logic retries on it (docs/signaling.md)

// While a dead owner's lease runs out, every page of its rooms retries about twice a second: one line per
// few seconds says as much as all of them.
void logFailure(const std::string& owner, const std::string& why) {
  static std::mutex mutex;
  static LogThrottle throttle(5000);
  std::lock_guard lock(mutex);
  if (throttle.allow(nowMs())) {
    log::warn("signaling_relay_failed", {{"owner", owner}, {"error", why}, {"times", throttle.times()}});
  }
}

class WebSocketRelay : public SignalingRelay, public std::enable_shared_from_this<WebSocketRelay> {
 public:
  WebSocketRelay(boost::asio::any_io_executor executor, Target target)
      : resolver_(executor), ws_(executor), target_(std::move(target)) {}

  void start(std::weak_ptr<signaling::SignalingChannel> page) override {
    page_ = std::move(page);
    constexpr std::string_view kScheme = "http://";
    std::string_view rest(target_.ownerUrl);
    if (rest.rfind(kScheme, 0) != 0) {
      fail("the owner's internal URL is not http://");
      return;
    }
    rest.remove_prefix(kScheme.size());
    rest = rest.substr(0, rest.find('/'));
    const auto colon = rest.rfind(':');
    host_ = std::string(rest.substr(0, colon));
    const std::string port = colon == std::string_view::npos ? "80" : std::string(rest.substr(colon + 1));
    hostHeader_ = std::string(rest);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(5));
    resolver_.async_resolve(
        host_, port, [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type r) {
          if (ec) {
            self->fail("cannot resolve the owner: " + ec.message());
            return;
          }
          beast::get_lowest_layer(self->ws_).async_connect(
              r, [self](beast::error_code ec2, const tcp::endpoint&) { self->onConnect(ec2); });
        });
  }

  void send(std::string frame) override {
    if (stopped_) {
      return;
    }
    if (!open_) {
      if (pending_.size() >= kMaxPending) {
        fail("too many frames before the owner answered");
        return;
      }
      pending_.push_back(std::move(frame));
      return;
    }
    pending_.push_back(std::move(frame));
    if (!writing_) {
      doWrite();
    }
  }

  void stop() override {
    if (stopped_) {
      return;
    }
    stopped_ = true;
    pending_.clear();
    if (open_ && !writing_) {
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {});
    } else if (!open_) {
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
    }
  }

 private:
  void onConnect(beast::error_code ec) {
    if (ec) {
      fail("cannot connect to the owner: " + ec.message());
      return;
    }
    if (stopped_) {
      return;
    }
    beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    ws_.set_option(websocket::stream_base::decorator([t = target_](websocket::request_type& req) {
      req.set("X-Request-Id", t.requestId);
      req.set("X-Rooms-Forwarded-By", t.forwardedBy);
      req.set("X-Forwarded-For", t.clientIp);
    }));
    ws_.read_message_max(512 * 1024);
    ws_.async_handshake(hostHeader_, target_.path, [self = shared_from_this()](beast::error_code ec2) {
      if (ec2) {
        self->fail("the owner refused the relay: " + ec2.message());
        return;
      }
      self->open_ = true;
      if (self->stopped_) {
        self->ws_.async_close(websocket::close_code::normal, [self](beast::error_code) {});
        return;
      }
      self->doRead();
      if (!self->pending_.empty()) {
        self->doWrite();
      }
    });
  }

  void doRead() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        if (ec == websocket::error::closed) {
          // The owner ended the session (left, removed, replaced, room ended): the page hears the same.
          const auto& reason = self->ws_.reason();
          if (auto page = self->page_.lock()) {
            page->close(reason.code, std::string(reason.reason.c_str()));
          }
          self->stopped_ = true;
          return;
        }
        return self->fail("the owner's socket failed: " + ec.message());
      }
      const auto data = self->buffer_.cdata();
      if (auto page = self->page_.lock()) {
        page->send(std::string(static_cast<const char*>(data.data()), data.size()));
      }
      self->buffer_.consume(self->buffer_.size());
      self->doRead();
    });
  }

  void doWrite() {
    if (pending_.empty() || stopped_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(pending_.front()),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec) {
                        self->fail("cannot write to the owner: " + ec.message());
                        return;
                      }
                      self->pending_.pop_front();
                      self->doWrite();
                    });
  }

  void fail(const std::string& why) {
    if (stopped_) {
      return;
    }
    stopped_ = true;
    logFailure(target_.ownerUrl, why);
    if (auto page = page_.lock())
      page->close(kGoingAway, "the node holding this room is unavailable; reconnect");
    beast::error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

  tcp::resolver resolver_;
  websocket::stream<beast::tcp_stream> ws_;
  Target target_;
  std::string host_;
  std::string hostHeader_;
  std::weak_ptr<signaling::SignalingChannel> page_;
  std::deque<std::string> pending_;
  beast::flat_buffer buffer_;
  bool open_ = false;
  bool writing_ = false;
  bool stopped_ = false;
};

}  // namespace

std::shared_ptr<SignalingRelay> SignalingRelay::create(boost::asio::any_io_executor executor, Target target) {
  return std::make_shared<WebSocketRelay>(std::move(executor), std::move(target));
}

}  // namespace rooms
