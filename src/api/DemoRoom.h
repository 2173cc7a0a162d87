#pragma once
// Development mode's demo room: `make run` should end with two links a newcomer can open in two browser
// windows and see a call, without writing any client code first. Created through the same validation and
// RoomManager path as POST /api/rooms/create, with tokens signed by JWT_SIGNING_SECRET.
#include <cstdint>
#include <string>

#include "api/ApiContext.h"

namespace rooms {

struct DemoRoom {
  std::string roomId;
  std::string coachUrl;
  std::string clientUrl;
};

DemoRoom createDemoRoom(ApiContext& ctx, int64_t nowMs);

}  // namespace rooms
