#pragma once
// A compound RTCP datagram (RFC 3550 section 6.1) over a caller's buffer. parse() walks the length words
// once and accepts the datagram only if they tile it exactly, so iteration afterwards cannot leave it.
// Reduced-size RTCP (RFC 5506, a lone NACK or PLI) is accepted: browsers send it when negotiated, so the
// "first packet is SR/RR" rule of RFC 3550 appendix A.2 is not enforced.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>

#include "rtc/rtcp/RtcpHeader.h"

namespace rooms::rtc {

class RtcpCompoundPacket {
 public:
  static std::optional<RtcpCompoundPacket> parse(const uint8_t* data, size_t size);

  class Iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = RtcpPacketView;
    using difference_type = std::ptrdiff_t;
    using pointer = const RtcpPacketView*;
    using reference = const RtcpPacketView&;

    Iterator() = default;
    reference operator*() const { return current_; }
    pointer operator->() const { return &current_; }
    Iterator& operator++();
    Iterator operator++(int) {
      Iterator before = *this;
      ++*this;
      return before;
    }
    bool operator==(const Iterator& other) const { return offset_ == other.offset_; }

   private:
    friend class RtcpCompoundPacket;
    Iterator(const uint8_t* data, size_t size, size_t offset);
    void load();

    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
    size_t offset_ = 0;
    RtcpPacketView current_;
  };

  Iterator begin() const { return Iterator(data_, size_, 0); }
  Iterator end() const { return Iterator(data_, size_, size_); }
  size_t packetCount() const { return packetCount_; }
  size_t size() const { return size_; }

  // Validates one sub-packet at the start of [data, data + size): version, length word and padding.
  static std::optional<RtcpPacketView> parseHeader(const uint8_t* data, size_t size);

 private:
  RtcpCompoundPacket(const uint8_t* data, size_t size, size_t packetCount)
      : data_(data), size_(size), packetCount_(packetCount) {}

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t packetCount_ = 0;
};

}  // namespace rooms::rtc
