#pragma once
// Batched datagram I/O for the media thread: recvmmsg fills up to kReceiveBatch datagrams per system call,
// and what the routers send while those are handled is queued and written with one sendmmsg. On loopback and
// in VMs the per-call cost (entry, wakeups, paravirtual interrupt toggling) outweighs the per-byte cost, so
// this is where most of the CPU per forwarded packet went. Fixed buffers: nothing is allocated per datagram.
// Not thread-safe; one instance belongs to the socket's thread.
#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <cstdint>

#include "rtc/ice/StunAddress.h"

namespace rooms::rtc {

class UdpBatchIo {
 public:
  static constexpr size_t kReceiveBatch = 32;
  static constexpr size_t kSendBatch = 64;
  static constexpr size_t kDatagramSize = 2048;

  UdpBatchIo();
  UdpBatchIo(const UdpBatchIo&) = delete;
  UdpBatchIo& operator=(const UdpBatchIo&) = delete;

  // Reads what is waiting on fd without blocking: the number of datagrams now in the receive slots (0 when
  // none, or on an error).
  size_t receive(int fd);
  uint8_t* data(size_t i) { return receiveBuffers_[i].data(); }
  size_t size(size_t i) const { return receiveHeaders_[i].msg_len; }
  ice::StunAddress from(size_t i) const;

  // Copies a datagram into the send queue, flushing first when the queue is full. false if size does not fit
  // a slot or the address family is unknown (the datagram is dropped).
  bool queue(int fd, const ice::StunAddress& to, const uint8_t* data, size_t size);
  size_t queued() const { return sendQueued_; }
  // Writes the queue. Datagrams the kernel refuses (a full send buffer) are dropped, as the network would
  // drop them; returns how many were sent.
  size_t flush(int fd);
  uint64_t dropped() const { return dropped_; }

  // The socket is IPv6 (bound to "::"): IPv4 destinations are written as v4-mapped addresses.
  void setIpv6Socket(bool v6) { ipv6Socket_ = v6; }

 private:
  std::array<std::array<uint8_t, kDatagramSize>, kReceiveBatch> receiveBuffers_{};
  std::array<sockaddr_storage, kReceiveBatch> receiveAddresses_{};
  std::array<iovec, kReceiveBatch> receiveIov_{};
  std::array<mmsghdr, kReceiveBatch> receiveHeaders_{};

  std::array<std::array<uint8_t, kDatagramSize>, kSendBatch> sendBuffers_{};
  std::array<sockaddr_storage, kSendBatch> sendAddresses_{};
  std::array<iovec, kSendBatch> sendIov_{};
  std::array<mmsghdr, kSendBatch> sendHeaders_{};
  size_t sendQueued_ = 0;
  uint64_t dropped_ = 0;
  bool ipv6Socket_ = false;
};

}  // namespace rooms::rtc
