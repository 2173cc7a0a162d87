#pragma once
// Route registration, one function per group of endpoints.
#include "api/ApiContext.h"
#include "api/Router.h"

namespace rooms {

void registerRoomRoutes(Router& router, ApiContext& ctx);         // /api/rooms/...
void registerParticipantRoutes(Router& router, ApiContext& ctx);  // /api/rooms/{roomId}/participants/...
void registerWebhookRoutes(Router& router, ApiContext& ctx);      // /api/webhooks...
void registerRecordingRoutes(Router& router, ApiContext& ctx);    // /api/rooms/{roomId}/recordings...
void registerSystemRoutes(Router& router, ApiContext& ctx);       // /health, /metrics
void registerJoinRoutes(Router& router, ApiContext& ctx);         // /room/{roomId}/join (participant JWT)
void registerPageRoutes(Router& router, ApiContext& ctx);         // /room/{roomId} page, /web/... files
void registerTestHookRoutes(Router& router, ApiContext& ctx);     // /_test/... with --enable-test-hooks only

// The room id of a path, checked against the safe charset (400) and looked up (404).
std::shared_ptr<const class Room> requireRoom(ApiContext& ctx, const struct ApiRequest& req);

}  // namespace rooms
