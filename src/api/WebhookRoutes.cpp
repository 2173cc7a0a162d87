// Webhook registration (spec section 12) and the delivery log.
#include "api/ApiError.h"
#include "api/JsonBody.h"
#include "api/Routes.h"
#include "core/Clock.h"
#include "core/Ids.h"
#include "events/Event.h"
#include "events/WebhookTargetPolicy.h"

namespace rooms {
namespace http = boost::beast::http;
using ojson = nlohmann::ordered_json;

namespace {

ojson webhookJson(const WebhookRecord& w) {
  return ojson{{"id", w.id},
               {"url", w.url},
               {"events", ojson::parse(w.eventsJson)},
               {"hasSecret", !w.secret.empty()},
               {"createdAt", formatIso8601(w.createdAt)}};
}

ojson timeOrNull(const std::optional<int64_t>& t) {
  return t ? ojson(formatIso8601(*t)) : ojson(nullptr);
}

}  // namespace

void registerWebhookRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::post, "/api/webhooks", Auth::ApiKey, [&ctx](ApiRequest& req) {
    auto body = parseJsonBody(req);
    rejectUnknownFields(body, {"url", "events", "secret"}, "");
    std::string url = requireString(body, "url", "", WebhookTargetPolicy::kMaxUrlLength);
    const WebhookTargetPolicy targets(ctx.config.webhookAllowedNetworks, ctx.config.webhookDeniedNetworks);
    if (auto refused = targets.checkUrl(url)) throw ApiError(400, "invalid_webhook_url", *refused);
    const auto& events = requireField(body, "events", "");
    if (!events.is_array() || events.empty()) {
      throw ApiError(400, "invalid_field", "events must be a non-empty array of event types (or [\"*\"])");
    }
    nlohmann::json types = nlohmann::json::array();
    for (const auto& e : events) {
      if (!e.is_string()) throw ApiError(400, "invalid_field", "events must contain only strings");
      const auto& t = e.get_ref<const std::string&>();
      if (t == "*") {
        types = nlohmann::json::array();
        for (const char* k : kEventTypes) types.push_back(k);
        break;
      }
      if (!isEventType(t)) {
        std::string known;
        for (const char* k : kEventTypes) known += (known.empty() ? "" : ", ") + std::string(k);
        throw ApiError(400, "invalid_field", "unknown event type \"" + t + "\" (" + known + ", or *)");
      }
      if (std::find(types.begin(), types.end(), t) == types.end()) types.push_back(t);
    }
    std::string secret;
    if (body.contains("secret") && !body["secret"].is_null()) secret = requireString(body, "secret", "", 512);
    WebhookRecord w{randomId("whk"), url, types.dump(), secret, nowMs()};
    ctx.webhookStore.insert(w);
    ctx.events.reloadWebhooks();
    if (ctx.onWebhooksChanged) ctx.onWebhooksChanged();
    return jsonResponse(201, ojson{{"success", true}, {"webhook", webhookJson(w)}});
  });

  router.add(http::verb::get, "/api/webhooks", Auth::ApiKey, [&ctx](ApiRequest&) {
    ojson list = ojson::array();
    for (const auto& w : ctx.webhookStore.list()) list.push_back(webhookJson(w));
    return jsonResponse(200, ojson{{"webhooks", list}});
  });

  router.add(http::verb::delete_, "/api/webhooks/:id", Auth::ApiKey, [&ctx](ApiRequest& req) {
    std::string id(req.param("id"));
    if (!isSafeId(id) || !ctx.webhookStore.remove(id, nowMs())) {
      throw ApiError(404, "webhook_not_found", "no webhook " + id);
    }
    ctx.events.reloadWebhooks();
    if (ctx.onWebhooksChanged) ctx.onWebhooksChanged();
    return jsonResponse(200, ojson{{"success", true}, {"id", id}});
  });

  router.add(http::verb::get, "/api/webhooks/:id/deliveries", Auth::ApiKey, [&ctx](ApiRequest& req) {
    std::string id(req.param("id"));
    if (!isSafeId(id) || !ctx.webhookStore.find(id))
      throw ApiError(404, "webhook_not_found", "no webhook " + id);
    size_t limit = 100;
    if (auto l = req.queryValue("limit"); !l.empty()) {
      if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string_view::npos ||
          std::stoul(std::string(l)) == 0)
        throw ApiError(400, "invalid_limit", "limit must be an integer from 1 to 1000");
      limit = std::min<size_t>(1000, std::stoul(std::string(l)));
    }
    ojson list = ojson::array();
    for (const auto& d : ctx.webhookStore.deliveries(id, limit)) {
      list.push_back(
          {{"id", d.id},
           {"eventId", d.eventId},
           {"eventType", d.eventType},
           {"state", d.state},
           {"attempts", d.attempts},
           {"createdAt", formatIso8601(d.createdAt)},
           {"nextAttemptAt", d.state == "pending" ? ojson(formatIso8601(d.nextAttemptAt)) : ojson(nullptr)},
           {"lastAttemptAt", timeOrNull(d.lastAttemptAt)},
           {"lastStatus", d.lastStatus ? ojson(*d.lastStatus) : ojson(nullptr)},
           {"lastError", d.lastError ? ojson(*d.lastError) : ojson(nullptr)},
           {"deliveredAt", timeOrNull(d.deliveredAt)}});
    }
    return jsonResponse(200, ojson{{"webhookId", id}, {"deliveries", list}});
  });
}

}  // namespace rooms
