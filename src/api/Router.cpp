#include "api/Router.h"

namespace rooms {
namespace {
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}
}  // namespace

void Router::add(boost::beast::http::verb method, std::string pattern, Auth auth, Handler handler) {
  auto segments = split(pattern);
  routes_.push_back({method, std::move(pattern), std::move(segments), auth, std::move(handler)});
}

Router::Match Router::match(ApiRequest& req) const {
  auto parts = split(req.path);
  Match m;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& s = r.segments[i];
      ok = (!s.empty() && s[0] == ':') ? !parts[i].empty() : s == parts[i];
    }
    if (!ok) continue;
    if (r.method != req.method) {
      m.pathKnown = true;
      if (!m.allowed.empty()) m.allowed += ", ";
      m.allowed += std::string(boost::beast::http::to_string(r.method));
      continue;
    }
    req.params.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (r.segments[i][0] == ':') req.params.emplace(r.segments[i].substr(1), parts[i]);
    }
    m.route = &r;
    return m;
  }
  return m;
}

}  // namespace rooms
