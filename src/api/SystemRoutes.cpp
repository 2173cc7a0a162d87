// GET /health (no auth, spec section 8) and GET /metrics (Prometheus, API key).
#include <cmath>

#include "api/ApiError.h"
#include "api/Routes.h"
#include "core/Clock.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

void registerSystemRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/health", Auth::None, [&ctx](ApiRequest&) {
    bool draining = ctx.draining.load();
    auto round1 = [](double v) { return std::round(v * 10.0) / 10.0; };
    ojson j = {{"status", draining ? "draining" : "healthy"},
               {"version", ROOMS_VERSION},
               {"uptime", (nowMs() - ctx.startedAtMs) / 1000},
               {"activeRooms", ctx.rooms.activeRooms()},
               {"resources",
                {{"cpu", round1(ctx.processStats.cpuPercent())},
                 {"memory", round1(ctx.processStats.memoryPercent())},
                 {"connections", ctx.openConnections.load()}}},
               {"openRooms", ctx.rooms.openRooms()},
               {"eventSubscribers", ctx.events.subscriberCount()}};
    return jsonResponse(draining ? 503 : 200, j.dump());
  });

  router.add(http::verb::get, "/metrics", Auth::ApiKey, [&ctx](ApiRequest&) {
    ctx.metrics.gauge("rooms_open_connections", "Open HTTP and WebSocket connections")
        .set(static_cast<double>(ctx.openConnections.load()));
    ctx.metrics.gauge("rooms_process_resident_bytes", "Resident memory of roomsd")
        .set(static_cast<double>(ProcessStats::residentBytes()));
    ApiResponse r;
    r.body = ctx.metrics.render();
    r.contentType = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace rooms
