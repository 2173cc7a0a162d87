#include "api/WebAssets.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rooms {

namespace fs = std::filesystem;

namespace {

std::string contentTypeOf(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".wav") return "audio/wav";
  return "application/octet-stream";
}

}  // namespace

std::string WebAssets::locate(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path candidate = exe.parent_path().parent_path() / "web";
    if (fs::exists(candidate / "room.html", ec)) return candidate.string();
  }
  return "web";
}

WebAssets WebAssets::load(const std::string& dir) {
  WebAssets assets;
  assets.dir_ = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return assets;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it.depth() > 1) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    const std::string relative = fs::relative(it->path(), dir, ec).generic_string();
    assets.assets_[relative] = Asset{body.str(), contentTypeOf(it->path())};
  }
  return assets;
}

const WebAssets::Asset* WebAssets::find(const std::string& path) const {
  auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace rooms
