#pragma once
// Batched datagram I/O for the media thread: recvmmsg fills up to kReceiveBatch datagrams per system call,
// and what the routers send while those are handled is queued and written with one sendmmsg. On loopback and
// in VMs the per-call cost (entry, wakeups, paravirtual interrupt toggling) outweighs the per-byte cost, so
// this is where most of the CPU per forwarded packet went. Fixed buffers: nothing is allocated per datagram.
//
// Where the kernel offers UDP segmentation offload (UDP_SEGMENT, Linux 4.18+), consecutive datagrams of one
// destination with one size (the packets of a video frame to one subscriber) leave as a single message: the
// kernel walks the IP stack once per run, not once per datagram. Datagrams to other destinations may go out
// between them, but never is one destination's order changed. If the device cannot segment, this falls back
// to one message per datagram for good.
// Each datagram comes with the time the kernel received it (SO_TIMESTAMPNS), on the steady clock.
// Transport-wide feedback reports arrival times to the sender's estimator, which reads growing delay as a
// queue on the path: stamped when our thread got round to the datagram, a media thread that was not scheduled
// for 100-500 ms (a busy machine at the start of a call) looked like that much queueing, and the publisher's
// browser cut its rate to a quarter and took tens of seconds to climb back (bench-quality loss1, warm-up 0).
// Not thread-safe; one instance belongs to the socket's thread.
#include <sys/socket.h>

#include <ctime>

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
  // A run is cut at this many datagrams or bytes: the kernel's limits are 64 segments (older kernels) and an
  // IP datagram of 64 KiB; a segment over a typical path MTU is sent on its own.
  static constexpr size_t kMaxSegments = 64;
  static constexpr size_t kMaxSegmentedBytes = 60000;
  static constexpr size_t kMaxSegmentSize = 1400;

  UdpBatchIo();
  UdpBatchIo(const UdpBatchIo&) = delete;
  UdpBatchIo& operator=(const UdpBatchIo&) = delete;

  // Reads what is waiting on fd without blocking: the number of datagrams now in the receive slots (0 when
  // none, or on an error).
  size_t receive(int fd);
  uint8_t* data(size_t i) { return receiveBuffers_[i].data(); }
  size_t size(size_t i) const { return receiveHeaders_[i].msg_len; }
  ice::StunAddress from(size_t i) const;
  // When the kernel received datagram i, steady-clock microseconds (core/Clock.h); the time of the read when
  // the socket gives no timestamp.
  int64_t arrivalUs(size_t i) const { return arrivalUs_[i]; }
  // Asks the kernel to stamp what fd receives; false if it refuses (arrival times are then read times).
  static bool enableArrivalTimes(int fd);

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
  // Segmentation offload on or off (on by default; off for good after the kernel refuses it).
  void setSegmentation(bool on) { segmentation_ = on; }
  // Whether this kernel knows UDP_SEGMENT on fd's socket (Linux 4.18+). One that did not would ignore the
  // control message and send a run as one large datagram, so the media worker asks before it sends.
  static bool kernelSegments(int fd);
  bool segmentation() const { return segmentation_; }
  // Messages the last flush wrote: fewer than the datagrams when runs were segmented.
  size_t lastMessages() const { return lastMessages_; }

 private:
  // A run of datagrams to one destination leaving as one message.
  struct Run {
    size_t first = 0;  // slot of the first datagram; the rest follow through nextInRun_
    size_t last = 0;   // slot of the last datagram so far
    size_t count = 0;
    size_t bytes = 0;
    size_t segmentSize = 0;  // the size of every datagram but possibly the last
    bool closed = false;     // a shorter datagram ended it: the kernel allows only the last one shorter
  };

  size_t buildRuns();
  size_t layOut(size_t runs);
  size_t splitRun(size_t message, size_t messages);
  bool sameDestination(size_t a, size_t b) const;

  std::array<std::array<uint8_t, kDatagramSize>, kReceiveBatch> receiveBuffers_{};
  std::array<sockaddr_storage, kReceiveBatch> receiveAddresses_{};
  std::array<iovec, kReceiveBatch> receiveIov_{};
  std::array<mmsghdr, kReceiveBatch> receiveHeaders_{};
  struct alignas(cmsghdr) ReceiveControl {
    std::array<uint8_t, CMSG_SPACE(sizeof(timespec))> bytes{};
  };
  std::array<ReceiveControl, kReceiveBatch> receiveControl_{};
  std::array<int64_t, kReceiveBatch> arrivalUs_{};

  std::array<std::array<uint8_t, kDatagramSize>, kSendBatch> sendBuffers_{};
  std::array<sockaddr_storage, kSendBatch> sendAddresses_{};
  std::array<socklen_t, kSendBatch> sendAddressLengths_{};
  std::array<size_t, kSendBatch> sendSizes_{};
  std::array<size_t, kSendBatch> nextInRun_{};
  std::array<Run, kSendBatch> runs_{};
  // Laid out per flush: a message per run (or per datagram after a split), its datagrams' iovecs contiguous.
  std::array<iovec, kSendBatch> sendIov_{};
  std::array<mmsghdr, kSendBatch> sendHeaders_{};
  std::array<size_t, kSendBatch> messageSlots_{};  // datagrams in each message
  struct alignas(cmsghdr) SegmentControl {
    std::array<uint8_t, CMSG_SPACE(sizeof(uint16_t))> bytes{};
  };
  std::array<SegmentControl, kSendBatch> sendControl_{};
  size_t sendQueued_ = 0;
  size_t lastMessages_ = 0;
  uint64_t dropped_ = 0;
  bool ipv6Socket_ = false;
  bool segmentation_ = true;
};

}  // namespace rooms::rtc
