// GET /room/{roomId}?token=...: the room page a participant's join link opens, and GET /web/... for its
// files. The page itself is public (it holds no data); the token it carries is checked by the signaling
// socket, whose close codes the page turns into readable screens (docs/signaling.md).
#include "api/ApiError.h"
#include "api/Routes.h"

namespace rooms {
namespace http = boost::beast::http;

namespace {

ApiResponse serve(const ApiContext& ctx, const std::string& path) {
  if (!ctx.web || ctx.web->size() == 0) {
    throw ApiError(
        503, "web_unavailable",
        "the room page's files were not found (ROOMS_WEB_DIR=" + (ctx.web ? ctx.web->dir() : "") + ")");
  }
  const WebAssets::Asset* asset = ctx.web->find(path);
  if (!asset) throw ApiError(404, "not_found", "no such file: /web/" + path);
  ApiResponse res;
  res.status = 200;
  res.body = asset->body;
  res.contentType = asset->contentType;
  // The page must not be framed by other sites, and it talks only to us.
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  res.headers.emplace_back("X-Frame-Options", "DENY");
  res.headers.emplace_back("Referrer-Policy", "no-referrer");
  return res;
}

}  // namespace

void registerPageRoutes(Router& router, ApiContext& ctx) {
  router.add(http::verb::get, "/room/:roomId", Auth::None,
             [&ctx](ApiRequest&) { return serve(ctx, "room.html"); });
  router.add(http::verb::get, "/web/:file", Auth::None,
             [&ctx](ApiRequest& req) { return serve(ctx, std::string(req.param("file"))); });
  router.add(http::verb::get, "/web/:dir/:file", Auth::None, [&ctx](ApiRequest& req) {
    return serve(ctx, std::string(req.param("dir")) + "/" + std::string(req.param("file")));
  });
}

}  // namespace rooms
