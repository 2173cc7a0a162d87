#pragma once
// The socket a participant's signaling arrives on, as the signaling layer sees it. The WebSocket code in
// api/ implements it; tests can implement it with a vector. Called on the control-plane thread only.
#include <cstdint>
#include <string>

namespace rooms::signaling {

class SignalingChannel {
 public:
  virtual ~SignalingChannel() = default;
  // One text frame, {"type": ..., "data": ...}.
  virtual void send(std::string frame) = 0;
  // Sends the close frame after what is queued. Idempotent.
  virtual void close(uint16_t code, std::string reason) = 0;
};

// Close codes of docs/signaling.md.
namespace close_code {
constexpr uint16_t kNormal = 1000;
constexpr uint16_t kGoingAway = 1001;
constexpr uint16_t kInvalidPayload = 1007;
// The room is between nodes (its owner died and its lease has not expired yet): the page tries again.
constexpr uint16_t kTryAgainLater = 1013;
constexpr uint16_t kUnauthorized = 4001;
constexpr uint16_t kForbidden = 4003;
constexpr uint16_t kRoomNotFound = 4004;
constexpr uint16_t kReplaced = 4009;
constexpr uint16_t kRoomEnded = 4010;
constexpr uint16_t kTransportFailed = 4011;
constexpr uint16_t kRemoved =
    4012;  // the main app removed the participant (POST .../participants/{role}/remove)
}  // namespace close_code

}  // namespace rooms::signaling
