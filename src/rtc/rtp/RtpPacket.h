#pragma once
// A view over one RTP packet (RFC 3550) in a caller-owned buffer. Parsing validates every length once so the
// accessors need no further checks beyond their own bounds; nothing here allocates, because the SFU handles
// every packet of every track on its hot path. The setters rewrite fields in place for per-subscriber
// forwarding (SSRC, sequence number, timestamp, payload type, same-length header extension values).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rooms::rtc {

class RtpPacket {
 public:
  static constexpr size_t kFixedHeaderSize = 12;
  static constexpr uint16_t kOneByteProfile = 0xBEDE;      // RFC 8285 section 4.2
  static constexpr uint16_t kTwoByteProfileMask = 0xFFF0;  // RFC 8285 section 4.3: 0x100 + 4 app bits
  static constexpr uint16_t kTwoByteProfile = 0x1000;

  // RFC 7983 / RFC 5761 demultiplexing on a datagram that is already known not to be STUN or DTLS: the first
  // byte is 128..191 for both, and RTCP packet types 192..223 overlap RTP payload types only when the marker
  // bit is set, which is why the whole second byte is compared.
  static bool looksLikeRtp(const uint8_t* data, size_t size);
  static bool looksLikeRtcp(const uint8_t* data, size_t size);

  // nullopt unless the whole packet is well formed: version 2, CSRCs, extension block and its elements,
  // and padding all inside `size`.
  static std::optional<RtpPacket> parse(uint8_t* data, size_t size);

  uint8_t version() const { return data_[0] >> 6; }
  bool hasPadding() const { return (data_[0] & 0x20) != 0; }
  bool hasExtension() const { return (data_[0] & 0x10) != 0; }
  uint8_t csrcCount() const { return data_[0] & 0x0F; }
  uint32_t csrc(size_t index) const;  // 0 when index >= csrcCount()
  bool marker() const { return (data_[1] & 0x80) != 0; }
  uint8_t payloadType() const { return data_[1] & 0x7F; }
  uint16_t sequenceNumber() const;
  uint32_t timestamp() const;
  uint32_t ssrc() const;

  // 0 without an extension block; otherwise the "defined by profile" word (0xBEDE, 0x100x or other).
  uint16_t extensionProfile() const { return extensionProfile_; }
  bool hasOneByteExtensions() const { return hasExtension() && extensionProfile_ == kOneByteProfile; }
  bool hasTwoByteExtensions() const {
    return hasExtension() && (extensionProfile_ & kTwoByteProfileMask) == kTwoByteProfile;
  }
  // The raw extension block (after the 4-byte profile/length word).
  std::span<const uint8_t> extensionData() const { return {data_ + extensionOffset_, extensionSize_}; }
  // The value of RFC 8285 extension `id` (1..14 one-byte, 1..255 two-byte), nullopt if absent. Two-byte
  // elements may legitimately be empty, hence optional rather than an empty span.
  std::optional<std::span<const uint8_t>> extension(uint8_t id) const;
  // Overwrites the value of extension `id` when present with exactly value.size() bytes; false otherwise.
  bool setExtension(uint8_t id, std::span<const uint8_t> value);
  // Calls fn(uint8_t id, std::span<const uint8_t> value) for every RFC 8285 element in order.
  template <typename Fn>
  void forEachExtension(Fn&& fn) const;

  size_t headerSize() const { return headerSize_; }  // fixed header + CSRCs + extension block
  std::span<const uint8_t> payload() const { return {data_ + headerSize_, payloadSize_}; }
  std::span<uint8_t> mutablePayload() { return {data_ + headerSize_, payloadSize_}; }
  uint8_t paddingSize() const { return paddingSize_; }
  size_t size() const { return size_; }
  const uint8_t* data() const { return data_; }
  uint8_t* mutableData() { return data_; }

  void setMarker(bool marker);
  void setPayloadType(uint8_t payloadType);
  void setSequenceNumber(uint16_t sequenceNumber);
  void setTimestamp(uint32_t timestamp);
  void setSsrc(uint32_t ssrc);

 private:
  RtpPacket() = default;

  // Walks the RFC 8285 elements; fn(id, offset, length) returns true to stop. Returns false when an element
  // runs past the block, which parse() uses to reject the packet.
  template <typename Fn>
  bool walkExtensions(Fn&& fn) const;

  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t headerSize_ = 0;
  size_t extensionOffset_ = 0;
  size_t extensionSize_ = 0;
  uint16_t extensionProfile_ = 0;
  size_t payloadSize_ = 0;
  uint8_t paddingSize_ = 0;
};

template <typename Fn>
bool RtpPacket::walkExtensions(Fn&& fn) const {
  if (!hasExtension()) {
    return true;
  }
  const uint8_t* p = data_ + extensionOffset_;
  const size_t n = extensionSize_;
  size_t i = 0;
  if (extensionProfile_ == kOneByteProfile) {
    while (i < n) {
      const uint8_t id = p[i] >> 4;
      if (id == 0) {  // padding byte between elements
        ++i;
        continue;
      }
      // id 15 is reserved: the receiver must stop parsing (RFC 8285 section 4.2).
      if (id == 15) {
        return true;
      }
      const size_t length = static_cast<size_t>(p[i] & 0x0F) + 1;
      if (i + 1 + length > n) {
        return false;
      }
      if (fn(id, extensionOffset_ + i + 1, length)) {
        return true;
      }
      i += 1 + length;
    }
    return true;
  }
  if ((extensionProfile_ & kTwoByteProfileMask) == kTwoByteProfile) {
    while (i < n) {
      const uint8_t id = p[i];
      if (id == 0) {
        ++i;
        continue;
      }
      if (i + 2 > n) {
        return false;
      }
      const size_t length = p[i + 1];
      if (i + 2 + length > n) {
        return false;
      }
      if (fn(id, extensionOffset_ + i + 2, length)) {
        return true;
      }
      i += 2 + length;
    }
    return true;
  }
  return true;  // some other profile's extension: opaque to us
}

template <typename Fn>
void RtpPacket::forEachExtension(Fn&& fn) const {
  walkExtensions([&](uint8_t id, size_t offset, size_t length) {
    fn(id, std::span<const uint8_t>(data_ + offset, length));
    return false;
  });
}

}  // namespace rooms::rtc
