#include "rtc/UdpBatchIo.h"

#include <netinet/in.h>
#include <netinet/udp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/Clock.h"

namespace rooms::rtc {

namespace {
constexpr size_t kNone = UdpBatchIo::kSendBatch;
}

UdpBatchIo::UdpBatchIo() {
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    receiveIov_[i] = {receiveBuffers_[i].data(), kDatagramSize};
    receiveHeaders_[i].msg_hdr.msg_iov = &receiveIov_[i];
    receiveHeaders_[i].msg_hdr.msg_iovlen = 1;
  }
}

bool UdpBatchIo::enableArrivalTimes(int fd) {
  const int on = 1;
  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
}

size_t UdpBatchIo::receive(int fd) {
  for (size_t i = 0; i < kReceiveBatch; ++i) {
    msghdr& h = receiveHeaders_[i].msg_hdr;
    h.msg_name = &receiveAddresses_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_control = receiveControl_[i].bytes.data();
    h.msg_controllen = receiveControl_[i].bytes.size();
    h.msg_flags = 0;
  }
  const int n = recvmmsg(fd, receiveHeaders_.data(), kReceiveBatch, MSG_DONTWAIT, nullptr);
  if (n <= 0) {
    return 0;
  }
  // The kernel stamps with the wall clock. Its offset from the steady clock is taken once per batch, so a
  // wall-clock step (NTP) can misplace at most the datagrams of the batch it falls into.
  timespec wall{};
  clock_gettime(CLOCK_REALTIME, &wall);
  const int64_t nowUs = steadyNowUs();
  const int64_t offsetUs = nowUs - (int64_t{wall.tv_sec} * 1'000'000 + wall.tv_nsec / 1000);
  for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
    arrivalUs_[i] = nowUs;
    msghdr& h = receiveHeaders_[i].msg_hdr;
    for (cmsghdr* c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) {
        continue;
      }
      timespec stamp{};
      std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
      // Never later than now: a stamp from a clock that was just stepped back would put it in the future.
      arrivalUs_[i] = std::min(nowUs, int64_t{stamp.tv_sec} * 1'000'000 + stamp.tv_nsec / 1000 + offsetUs);
    }
  }
  return static_cast<size_t>(n);
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
    sendAddressLengths_[i] = sizeof(sockaddr_in);
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
    sendAddressLengths_[i] = sizeof(sockaddr_in6);
  } else {
    ++dropped_;
    return false;
  }
  std::memcpy(sendBuffers_[i].data(), data, size);
  sendSizes_[i] = size;
  ++sendQueued_;
  return true;
}

bool UdpBatchIo::kernelSegments(int fd) {
  int segment = 0;
  socklen_t length = sizeof segment;
  return getsockopt(fd, SOL_UDP, UDP_SEGMENT, &segment, &length) == 0;
}

bool UdpBatchIo::sameDestination(size_t a, size_t b) const {
  // Both addresses were written whole by queue() from a zeroed struct, so bytes compare as addresses.
  return sendAddressLengths_[a] == sendAddressLengths_[b] &&
         std::memcmp(&sendAddresses_[a], &sendAddresses_[b], sendAddressLengths_[a]) == 0;
}

size_t UdpBatchIo::buildRuns() {
  size_t runs = 0;
  for (size_t slot = 0; slot < sendQueued_; ++slot) {
    const size_t size = sendSizes_[slot];
    nextInRun_[slot] = kNone;
    // Only the latest run of a destination may grow: joining an earlier one would reorder its datagrams.
    size_t latest = kNone;
    if (segmentation_ && size <= kMaxSegmentSize) {
      for (size_t r = runs; r-- > 0;) {
        if (sameDestination(runs_[r].first, slot)) {
          latest = r;
          break;
        }
      }
    }
    if (latest != kNone) {
      Run& run = runs_[latest];
      const bool fits = !run.closed && size <= run.segmentSize && run.count < kMaxSegments &&
                        run.bytes + size <= kMaxSegmentedBytes;
      if (fits) {
        nextInRun_[run.last] = slot;
        run.last = slot;
        ++run.count;
        run.bytes += size;
        run.closed = size < run.segmentSize;
        continue;
      }
    }
    runs_[runs++] = Run{slot, slot, 1, size, size, size > kMaxSegmentSize};
  }
  return runs;
}

size_t UdpBatchIo::layOut(size_t runs) {
  size_t iov = 0;
  for (size_t r = 0; r < runs; ++r) {
    const Run& run = runs_[r];
    auto& header = sendHeaders_[r].msg_hdr;
    header = msghdr{};
    header.msg_name = &sendAddresses_[run.first];
    header.msg_namelen = sendAddressLengths_[run.first];
    header.msg_iov = &sendIov_[iov];
    header.msg_iovlen = run.count;
    for (size_t slot = run.first; slot != kNone; slot = nextInRun_[slot])
      sendIov_[iov++] = {sendBuffers_[slot].data(), sendSizes_[slot]};
    messageSlots_[r] = run.count;
    if (run.count > 1) {
      header.msg_control = sendControl_[r].bytes.data();
      header.msg_controllen = sendControl_[r].bytes.size();
      cmsghdr* control = CMSG_FIRSTHDR(&header);
      control->cmsg_level = SOL_UDP;
      control->cmsg_type = UDP_SEGMENT;
      control->cmsg_len = CMSG_LEN(sizeof(uint16_t));
      const auto segment = static_cast<uint16_t>(run.segmentSize);
      std::memcpy(CMSG_DATA(control), &segment, sizeof segment);
    }
  }
  return runs;
}

// Replaces message `message` (a segmented run) by one message per datagram, shifting the messages after it;
// returns the new number of messages. There is room: never more messages than datagrams, at most kSendBatch.
size_t UdpBatchIo::splitRun(size_t message, size_t messages) {
  const msghdr original = sendHeaders_[message].msg_hdr;
  const size_t count = original.msg_iovlen;
  for (size_t m = messages; m-- > message + 1;) {
    sendHeaders_[m + count - 1] = sendHeaders_[m];
    messageSlots_[m + count - 1] = messageSlots_[m];
  }
  for (size_t k = 0; k < count; ++k) {
    auto& header = sendHeaders_[message + k].msg_hdr;
    header = msghdr{};
    header.msg_name = original.msg_name;
    header.msg_namelen = original.msg_namelen;
    header.msg_iov = original.msg_iov + k;
    header.msg_iovlen = 1;
    messageSlots_[message + k] = 1;
  }
  return messages + count - 1;
}

size_t UdpBatchIo::flush(int fd) {
  size_t messages = layOut(buildRuns());
  size_t done = 0;
  size_t sent = 0;
  while (done < messages) {
    const int n =
        sendmmsg(fd, sendHeaders_.data() + done, static_cast<unsigned>(messages - done), MSG_DONTWAIT);
    if (n > 0) {
      for (int k = 0; k < n; ++k) sent += messageSlots_[done++];
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) {
      for (size_t m = done; m < messages; ++m) dropped_ += messageSlots_[m];  // the rest would fail too
      break;
    }
    if (n < 0 && messageSlots_[done] > 1) {
      // EIO: the route's device cannot checksum-offload, so the kernel cannot segment at all: stop trying.
      // Anything else (EINVAL past a path MTU, say) concerns this run only: send its datagrams one by one.
      if (errno == EIO || errno == ENOPROTOOPT || errno == EOPNOTSUPP) segmentation_ = false;
      messages = splitRun(done, messages);
      continue;
    }
    dropped_ += messageSlots_[done];  // refused (an unreachable address, say): skip it, send the rest
    ++done;
  }
  sendQueued_ = 0;
  lastMessages_ = messages;
  return sent;
}

}  // namespace rooms::rtc
