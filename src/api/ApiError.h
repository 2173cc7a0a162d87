#pragma once
// Errors as the API returns them: {"success": false, "error": {"code": "...", "message": "..."}}.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "api/ApiRequest.h"

namespace rooms {

class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, std::string code, const std::string& message, int retryAfter = 0)
      : std::runtime_error(message), status_(status), code_(std::move(code)), retryAfter_(retryAfter) {}
  unsigned status() const { return status_; }
  const std::string& code() const { return code_; }
  int retryAfter() const { return retryAfter_; }

 private:
  unsigned status_;
  std::string code_;
  int retryAfter_;
};

ApiResponse errorResponse(unsigned status, const std::string& code, const std::string& message);
ApiResponse jsonResponse(unsigned status, const std::string& body);
// A JSON body in the compact, key-ordered form every route answers with.
ApiResponse jsonResponse(unsigned status, const nlohmann::ordered_json& body);

}  // namespace rooms
