#include "rtc/IceTcpConnection.h"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace rooms::rtc {

namespace asio = boost::asio;

IceTcpConnection::IceTcpConnection(asio::ip::tcp::socket socket, Listener& listener)
    : socket_(std::move(socket)), listener_(listener) {
  boost::system::error_code ec;
  const auto ep = socket_.remote_endpoint(ec);
  if (!ec) {
    const auto address = ep.address();
    if (address.is_v4()) {
      remote_ = ice::StunAddress::v4(address.to_v4().to_bytes(), ep.port());
    } else if (address.to_v6().is_v4_mapped()) {
      remote_ = ice::StunAddress::v4(
          asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_bytes(), ep.port());
    } else {
      remote_ = ice::StunAddress::v6(address.to_v6().to_bytes(), ep.port());
    }
  }
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
}

void IceTcpConnection::start() {
  readHeader();
}

void IceTcpConnection::readHeader() {
  asio::async_read(socket_, asio::buffer(header_),
                   [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                     if (ec) {
                       self->fail();
                       return;
                     }
                     const size_t size = (size_t{self->header_[0]} << 8) | self->header_[1];
                     // Nothing we accept is empty or larger than an MTU; such a stream is not ICE-TCP.
                     if (size == 0 || size > kMaxFrame) {
                       self->fail();
                       return;
                     }
                     self->readBody(size);
                   });
}

void IceTcpConnection::readBody(size_t size) {
  asio::async_read(socket_, asio::buffer(body_.data(), size),
                   [self = shared_from_this(), size](const boost::system::error_code& ec, size_t) {
                     if (ec) {
                       self->fail();
                       return;
                     }
                     if (!self->closed_) self->listener_.onTcpFrame(*self, self->body_.data(), size);
                     if (!self->closed_) self->readHeader();
                   });
}

void IceTcpConnection::send(const uint8_t* data, size_t size) {
  if (closed_ || size == 0 || size > 0xFFFF || queue_.size() >= kMaxQueuedFrames) return;
  std::vector<uint8_t> frame(size + 2);
  frame[0] = static_cast<uint8_t>(size >> 8);
  frame[1] = static_cast<uint8_t>(size);
  std::copy(data, data + size, frame.begin() + 2);
  queue_.push_back(std::move(frame));
  if (!writing_) writeNext();
}

void IceTcpConnection::writeNext() {
  if (queue_.empty() || closed_) {
    writing_ = false;
    return;
  }
  writing_ = true;
  asio::async_write(socket_, asio::buffer(queue_.front()),
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      if (ec) {
                        self->fail();
                        return;
                      }
                      self->queue_.pop_front();
                      self->writeNext();
                    });
}

void IceTcpConnection::close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

void IceTcpConnection::fail() {
  if (closed_) return;
  close();
  listener_.onTcpClosed(*this);
}

}  // namespace rooms::rtc
