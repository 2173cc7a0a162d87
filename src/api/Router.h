#pragma once
// Maps method + path patterns ("/api/rooms/:roomId/status") to handlers. Literal segments match exactly,
// ":name" segments capture one non-empty segment.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/ApiRequest.h"

namespace rooms {

enum class Auth { None, ApiKey };

using Handler = std::function<ApiResponse(ApiRequest&)>;

struct Route {
  boost::beast::http::verb method;
  std::string pattern;
  std::vector<std::string> segments;
  Auth auth;
  Handler handler;
};

class Router {
 public:
  void add(boost::beast::http::verb method, std::string pattern, Auth auth, Handler handler);

  struct Match {
    const Route* route = nullptr;
    bool pathKnown = false;  // some route has this path, with another method (-> 405)
    std::string allowed;     // the methods that path has, for the Allow header
  };
  // Fills req.params on a match.
  Match match(ApiRequest& req) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace rooms
