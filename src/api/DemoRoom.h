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
  std::string sessionId;
  std::string coachUrl;
  std::string clientUrl;
};

// What the demo console (POST /api/console/rooms) lets a newcomer choose; the defaults are the demo room's.
struct DemoRoomOptions {
  bool aiOrbEnabled = false;
  std::string personality = "supportive";
  int64_t maxDuration = 3600;
  bool generateSummary = true;
  std::string coachName = "Demo Coach";
  std::string clientName = "Demo Client";
};

// Throws ApiError (400) for options that create-room refuses (e.g. an unknown personality).
DemoRoom createDemoRoom(ApiContext& ctx, int64_t nowMs, const DemoRoomOptions& options = {});

}  // namespace rooms
