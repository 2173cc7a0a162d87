#include "rtc/UdpBatchIo.h"

#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace rooms::rtc {

UdpBatchIo::UdpBatchIo() {
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    receiveIov_[i] = {receiveBuffers_[i].data(), kDatagramSize};
    receiveHeaders_[i].msg_hdr.msg_iov = &receiveIov_[i];
    receiveHeaders_[i].msg_hdr.msg_iovlen = 1;
  }
  for (size_t i = 0; i < kSendBatch; ++i) {
    sendIov_[i].iov_base = sendBuffers_[i].data();
    sendHeaders_[i].msg_hdr.msg_iov = &sendIov_[i];
    sendHeaders_[i].msg_hdr.msg_iovlen = 1;
    sendHeaders_[i].msg_hdr.msg_name = &sendAddresses_[i];
  }
}

size_t UdpBatchIo::receive(int fd) {
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    receiveHeaders_[i].msg_hdr.msg_name = &receiveAddresses_[i];
    receiveHeaders_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    receiveHeaders_[i].msg_hdr.msg_flags = 0;
  }
  const int n = recvmmsg(fd, receiveHeaders_.data(), kReceiveBatch, MSG_DONTWAIT, nullptr);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

ice::StunAddress UdpBatchIo::from(size_t i) const {
  const auto& storage = receiveAddresses_[i];
  if (storage.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(storage);
    std::array<uint8_t, 4> ip{};
    std::memcpy(ip.data(), &a.sin_addr, 4);
    return ice::StunAddress::v4(ip, ntohs(a.sin_port));
  }
  if (storage.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(storage);
    // A v4 peer on a dual-stack socket is the same peer as on a v4 socket: one tuple either way.
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) {
      std::array<uint8_t, 4> ip{};
      std::memcpy(ip.data(), a.sin6_addr.s6_addr + 12, 4);
      return ice::StunAddress::v4(ip, ntohs(a.sin6_port));
    }
    std::array<uint8_t, 16> ip{};
    std::memcpy(ip.data(), a.sin6_addr.s6_addr, 16);
    return ice::StunAddress::v6(ip, ntohs(a.sin6_port));
  }
  return {};
}

bool UdpBatchIo::queue(int fd, const ice::StunAddress& to, const uint8_t* data, size_t size) {
  if (size > kDatagramSize) {
    ++dropped_;
    return false;
  }
  if (sendQueued_ == kSendBatch) flush(fd);
  const size_t i = sendQueued_;
  auto& storage = sendAddresses_[i];
  if (to.family == ice::StunAddress::Family::V4 && !ipv6Socket_) {
    auto& a = reinterpret_cast<sockaddr_in&>(storage);
    a = sockaddr_in{};
    a.sin_family = AF_INET;
    a.sin_port = htons(to.port);
    std::memcpy(&a.sin_addr, to.ip.data(), 4);
    sendHeaders_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
  } else if (to.family != ice::StunAddress::Family::None) {
    auto& a = reinterpret_cast<sockaddr_in6&>(storage);
    a = sockaddr_in6{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(to.port);
    if (to.family == ice::StunAddress::Family::V4) {
      a.sin6_addr.s6_addr[10] = 0xff;
      a.sin6_addr.s6_addr[11] = 0xff;
      std::memcpy(a.sin6_addr.s6_addr + 12, to.ip.data(), 4);
    } else {
      std::memcpy(a.sin6_addr.s6_addr, to.ip.data(), 16);
    }
    sendHeaders_[i].msg_hdr.msg_namelen = sizeof(sockaddr_in6);
  } else {
    ++dropped_;
    return false;
  }
  std::memcpy(sendBuffers_[i].data(), data, size);
  sendIov_[i].iov_len = size;
  ++sendQueued_;
  return true;
}

size_t UdpBatchIo::flush(int fd) {
  size_t done = 0;
  size_t sent = 0;
  while (done < sendQueued_) {
    const int n =
        sendmmsg(fd, sendHeaders_.data() + done, static_cast<unsigned>(sendQueued_ - done), MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<size_t>(n);
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      dropped_ += sendQueued_ - done;  // the buffer is full: the rest would fail too
      break;
    }
    ++dropped_;  // this one datagram was refused (an unreachable address, say): skip it, send the rest
    ++done;
  }
  sendQueued_ = 0;
  return sent;
}

}  // namespace rooms::rtc
