#pragma once
// One passive ICE-TCP connection (RFC 6544) on the media port: RFC 4571 framing (a 16-bit length before
// each STUN, DTLS or SRTP packet) over a TCP stream, for browsers whose UDP is blocked. Frames go up to the
// Listener exactly like UDP datagrams; writes are queued (bounded: a peer that stops reading loses packets,
// as it would on UDP, rather than growing our memory). Media thread only.
#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "rtc/ice/StunAddress.h"

namespace rooms::rtc {

class IceTcpConnection : public std::enable_shared_from_this<IceTcpConnection> {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onTcpFrame(IceTcpConnection& connection, uint8_t* data, size_t size) = 0;
    virtual void onTcpClosed(IceTcpConnection& connection) = 0;
  };

  static constexpr size_t kMaxFrame = 2048;
  static constexpr size_t kMaxQueuedFrames = 256;

  IceTcpConnection(boost::asio::ip::tcp::socket socket, Listener& listener);
  void start();
  void send(const uint8_t* data, size_t size);
  void close();

  const ice::StunAddress& remote() const { return remote_; }
  bool closed() const { return closed_; }

 private:
  void readHeader();
  void readBody(size_t size);
  void writeNext();
  void fail();

  boost::asio::ip::tcp::socket socket_;
  Listener& listener_;
  ice::StunAddress remote_;
  std::array<uint8_t, 2> header_{};
  std::array<uint8_t, kMaxFrame> body_{};
  std::deque<std::vector<uint8_t>> queue_;
  bool writing_ = false;
  bool closed_ = false;
};

}  // namespace rooms::rtc
