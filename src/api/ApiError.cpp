#include "api/ApiError.h"

#include <nlohmann/json.hpp>

namespace rooms {

ApiResponse errorResponse(unsigned status, const std::string& code, const std::string& message) {
  nlohmann::ordered_json j = {{"success", false}, {"error", {{"code", code}, {"message", message}}}};
  return jsonResponse(status, j);
}

ApiResponse jsonResponse(unsigned status, const nlohmann::ordered_json& body) {
  return jsonResponse(status, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

ApiResponse jsonResponse(unsigned status, const std::string& body) {
  ApiResponse r;
  r.status = status;
  r.body = body;
  return r;
}

}  // namespace rooms
