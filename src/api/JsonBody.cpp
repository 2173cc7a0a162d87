#include "api/JsonBody.h"

#include "api/ApiError.h"

namespace rooms {
namespace {
constexpr int kMaxDepth = 32;

std::string fieldName(const std::string& path, const char* name) {
  return path.empty() ? name : path + "." + name;
}
}  // namespace

nlohmann::json parseJsonText(std::string_view text) {
  nlohmann::json::parser_callback_t limitDepth = [](int depth, nlohmann::json::parse_event_t,
                                                    nlohmann::json&) {
    if (depth > kMaxDepth) throw ApiError(400, "invalid_json", "JSON nesting is deeper than 32 levels");
    return true;
  };
  // The parser takes a NUL for the end of its input and would accept "{}\0anything"; JSON text has no raw
  // NUL anywhere (in strings it must be escaped), so the whole body is refused.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    throw ApiError(400, "invalid_json",
                   "request body is not valid JSON: a NUL byte at offset " + std::to_string(nul));
  }
  try {
    return nlohmann::json::parse(text, limitDepth);
  } catch (const nlohmann::json::exception& e) {
    // parse_error for bad syntax, out_of_range for numbers too large for a double (e.g. 4e3456789).
    std::string msg = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." -> keep the readable part.
    if (auto p = msg.find("] "); p != std::string::npos) msg = msg.substr(p + 2);
    throw ApiError(400, "invalid_json", "request body is not valid JSON: " + msg);
  }
}

nlohmann::json parseJsonBody(const ApiRequest& req, bool allowEmpty) {
  auto type = req.header(boost::beast::http::field::content_type);
  if (!type.empty() && type.find("application/json") == std::string_view::npos && !req.body.empty()) {
    throw ApiError(415, "unsupported_media_type", "request body must be application/json");
  }
  bool blank = req.body.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) {
    if (allowEmpty) return nlohmann::json::object();
    throw ApiError(400, "invalid_body", "request body is required (a JSON object)");
  }
  auto j = parseJsonText(req.body);
  if (!j.is_object()) throw ApiError(400, "invalid_body", "request body must be a JSON object");
  return j;
}

const nlohmann::json& requireField(const nlohmann::json& obj, const char* name, const std::string& path) {
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) {
    throw ApiError(400, "missing_field", fieldName(path, name) + " is required");
  }
  return *it;
}

std::string requireString(const nlohmann::json& obj, const char* name, const std::string& path,
                          size_t maxLen) {
  const auto& v = requireField(obj, name, path);
  if (!v.is_string()) throw ApiError(400, "invalid_field", fieldName(path, name) + " must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty() || s.size() > maxLen) {
    throw ApiError(
        400, "invalid_field",
        fieldName(path, name) + " must be a string of 1 to " + std::to_string(maxLen) + " characters");
  }
  return s;
}

void rejectUnknownFields(const nlohmann::json& obj, std::initializer_list<const char*> known,
                         const std::string& path) {
  for (const auto& [key, v] : obj.items()) {
    bool ok = false;
    for (const char* k : known) ok = ok || key == k;
    if (!ok) {
      std::string list;
      for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      throw ApiError(400, "unknown_field",
                     fieldName(path, key.c_str()) + " is not a known field (" + list + ")");
    }
  }
}

}  // namespace rooms
