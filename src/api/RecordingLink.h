#pragma once
// Signed recording links: a URL the main app can hand to a browser (a <video src>) that downloads one
// recording until it expires, without the API key. The signature is HMAC-SHA256 over the room, the
// recording and the expiry, with a key derived from the service's JWT secret (so rotating that secret
// revokes every link).
#include <cstdint>
#include <string>
#include <string_view>

namespace rooms {

class RecordingLink {
 public:
  enum class Check { Valid, Expired, Invalid };

  explicit RecordingLink(std::string_view secret);
  std::string sign(const std::string& roomId, const std::string& recordingId, int64_t expiresAt) const;
  Check verify(const std::string& roomId, const std::string& recordingId, std::string_view expires,
               std::string_view signature, int64_t nowSeconds) const;

 private:
  std::string key_;
};

}  // namespace rooms
