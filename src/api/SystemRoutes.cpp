// GET /health (no auth, spec section 8) and GET /metrics (Prometheus, API key).
#include <cmath>

#include "ai/SessionIntelligence.h"
#include "api/ApiError.h"
#include "api/Routes.h"
#include "cluster/ClusterMap.h"
#include "cluster/Placement.h"
#include "core/Clock.h"
#include "signaling/SignalingServer.h"

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
    if (ctx.cluster) {
      // The node and the cluster as this node sees it (docs/cluster.md). A node draining its rooms is still
      // healthy: it serves them.
      j["node"] = {{"id", ctx.cluster->selfId()}, {"drainingRooms", ctx.drainingRooms.load()}};
      ojson nodes = ojson::array();
      try {
        for (const auto& n : ctx.cluster->nodes()) {
          nodes.push_back({{"id", n.id},
                           {"internalUrl", n.internalUrl},
                           {"draining", n.draining},
                           {"rooms", n.rooms},
                           {"participants", n.participants},
                           {"loadScore", cluster::loadScore(n)}});
        }
        j["cluster"] = {{"nodes", nodes}};
      } catch (const std::exception& e) {
        j["cluster"] = {{"error", std::string("registry unreachable: ") + e.what()}};
      }
    }
    return jsonResponse(draining ? 503 : 200, j.dump());
  });

  // Cluster mode: this node takes no new rooms (or takes them again); the rooms it holds finish. For an
  // upgrade: drain, wait until /health shows openRooms 0, stop.
  router.add(http::verb::post, "/api/node/drain", Auth::ApiKey, [&ctx](ApiRequest& req) {
    if (!ctx.cluster) {
      throw ApiError(409, "not_clustered",
                     "draining moves new rooms to other nodes: this roomsd is not in a cluster "
                     "(ROOMS_REDIS_URL)");
    }
    bool drain = true;
    if (!req.body.empty()) {
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      if (!body.is_object() || (body.contains("draining") && !body["draining"].is_boolean())) {
        throw ApiError(400, "invalid_body", "expected {\"draining\": true|false}");
      }
      for (auto it = body.begin(); it != body.end(); ++it) {
        if (it.key() != "draining") {
          throw ApiError(400, "unknown_field", "unknown field: " + it.key());
        }
      }
      drain = body.value("draining", true);
    }
    ctx.drainingRooms = drain;
    ojson j = {{"node", ctx.cluster->selfId()}, {"draining", drain}, {"openRooms", ctx.rooms.openRooms()}};
    return jsonResponse(200, j.dump());
  });

  router.add(http::verb::get, "/metrics", Auth::ApiKey, [&ctx](ApiRequest&) {
    ctx.metrics.gauge("rooms_open_connections", "Open HTTP and WebSocket connections")
        .Set(static_cast<double>(ctx.openConnections.load()));
    ctx.metrics.gauge("rooms_process_resident_bytes", "Resident memory of roomsd")
        .Set(static_cast<double>(ProcessStats::residentBytes()));
    if (ctx.signaling) {
      const auto& pool = ctx.signaling->media();
      const auto media = pool.totals();
      const auto set = [&](const char* name, const char* help, uint64_t value, const Labels& labels = {}) {
        ctx.metrics.gauge(name, help, labels).Set(static_cast<double>(value));
      };
      set("rooms_signaling_peers", "Participants connected through signaling",
          ctx.signaling->connectedPeers());
      // Totals over every media worker, then the same per worker for the ones placement reads.
      set("rooms_media_workers", "Media worker threads (ROOMS_MEDIA_WORKERS)", pool.size());
      set("rooms_media_transports", "Media transports (one per connected page)", media.transports);
      set("rooms_media_datagrams_received", "UDP datagrams received on the media ports since start",
          media.datagramsIn);
      set("rooms_media_datagrams_sent", "UDP datagrams sent from the media ports since start",
          media.datagramsOut);
      set("rooms_media_datagrams_dropped",
          "Datagrams no transport claimed (junk, scans, stale peers) since start", media.datagramsDropped);
      set("rooms_media_nacks_sent", "Lost packets asked of publishers (generic NACK), retries included",
          media.nacksSent);
      set("rooms_media_rtx_received", "Packets received on publishers' RTX streams", media.rtxReceived);
      set("rooms_media_packets_recovered",
          "Gaps in publishers' video filled by retransmission or late arrival", media.packetsRecovered);
      set("rooms_media_key_frames_for_loss", "Key frames asked for because a gap could not be repaired",
          media.keyFramesForLoss);
      set("rooms_media_retransmissions_sent", "Packets resent to subscribers from the history",
          media.retransmissionsSent);
      set("rooms_media_retransmissions_refused", "NACKed packets not resent: over the subscriber's budget",
          media.retransmissionsRefused);
      set("rooms_media_redundant_retransmissions",
          "Second copies of resends to subscribers whose downlink loses a notable share of packets",
          media.redundantResends);
      set("rooms_media_audio_recovered", "Lost Opus packets rebuilt from the RED redundancy after them",
          media.audioRecovered);
      set("rooms_media_paced_packets", "Packets a subscriber's pacer held before sending",
          media.pacedPackets);
      set("rooms_media_paced_expired",
          "Packets a pacer held until they were gone from the history (never sent)", media.pacedExpired);
      set("rooms_media_probe_packets",
          "Padding packets sent to measure a new subscriber's downlink before media fills it",
          media.probePackets);
      const auto placed = pool.roomsPerWorker();
      for (size_t i = 0; i < pool.size(); ++i) {
        const auto w = pool.worker(i).totals();
        const Labels labels{{"worker", std::to_string(i)}};
        set("rooms_media_worker_port", "The worker's UDP and ICE-TCP port", pool.worker(i).port(), labels);
        set("rooms_media_worker_rooms", "Rooms placed on the worker", placed[i], labels);
        set("rooms_media_worker_transports", "Media transports on the worker", w.transports, labels);
        set("rooms_media_worker_routers", "Rooms with media objects (a router) on the worker", w.routers,
            labels);
        set("rooms_media_worker_packets_per_second", "Datagrams the worker sent over its last second",
            w.packetsPerSecond, labels);
        set("rooms_media_worker_datagrams_received", "UDP datagrams the worker received since start",
            w.datagramsIn, labels);
        set("rooms_media_worker_datagrams_sent", "UDP datagrams the worker sent since start", w.datagramsOut,
            labels);
      }
    }
    if (ctx.intelligence) {
      const auto ai = ctx.intelligence->stats();
      ctx.metrics.gauge("rooms_ai_microphones", "Microphones the speech pipeline listens to")
          .Set(static_cast<double>(ai.microphones));
      ctx.metrics.gauge("rooms_ai_recognition_queued", "Utterances waiting for speech recognition")
          .Set(static_cast<double>(ai.recognitionQueued));
      ctx.metrics.gauge("rooms_ai_utterances_recognized", "Utterances recognised since start")
          .Set(static_cast<double>(ai.recognized));
      ctx.metrics.gauge("rooms_ai_recognition_real_time_factor", "Recognition time per second of speech")
          .Set(ai.realTimeFactor);
      ctx.metrics.gauge("rooms_ai_summaries", "Session summaries produced since start")
          .Set(static_cast<double>(ai.summaries));
      ctx.metrics.gauge("rooms_ai_orbs", "AI Orbs in rooms now").Set(static_cast<double>(ai.orbs));
    }
    ApiResponse r;
    r.body = ctx.metrics.render();
    r.contentType = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace rooms
