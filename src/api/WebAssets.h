#pragma once
// The room page's files (web/: HTML, CSS, ES modules), read once at start. Serving only what was loaded
// means no request path ever reaches the file system, so there is nothing to traverse.
#include <map>
#include <optional>
#include <string>

namespace rooms {

class WebAssets {
 public:
  struct Asset {
    std::string body;
    std::string contentType;
  };

  // Loads every regular file under dir (one level of subdirectories). A missing dir gives an empty set and
  // the page routes answer 503 naming the directory.
  static WebAssets load(const std::string& dir);
  // dir from ROOMS_WEB_DIR, else web/ next to the binary's parent (build/roomsd -> web/), else ./web.
  static std::string locate(const std::string& configured);

  const Asset* find(const std::string& path) const;  // "room.html", "js/RoomView.js"
  const std::string& dir() const { return dir_; }
  size_t size() const { return assets_.size(); }

 private:
  std::string dir_;
  std::map<std::string, Asset> assets_;
};

}  // namespace rooms
