// Request targets from the network: path/query splitting and percent-decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/ApiRequest.h"
#include "api/Router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static rooms::Router router = [] {
    rooms::Router r;
    r.add(boost::beast::http::verb::get, "/api/rooms/:roomId/status", rooms::Auth::ApiKey,
          [](rooms::ApiRequest&) { return rooms::ApiResponse{}; });
    return r;
  }();
  rooms::ApiRequest req;
  req.method = boost::beast::http::verb::get;
  req.setTarget(std::string_view(reinterpret_cast<const char*>(data), size));
  router.match(req);
  (void)req.queryValue("token");
  return 0;
}
