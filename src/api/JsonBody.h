#pragma once
// Request bodies: JSON objects only, nesting at most 32 deep (so a hostile body cannot exhaust the stack),
// with errors that say what is wrong and where.
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/ApiRequest.h"

namespace rooms {

// Parses text as JSON. Throws ApiError(400, "invalid_json") with the parser's position on failure.
nlohmann::json parseJsonText(std::string_view text);

// The request body as a JSON object. An empty body yields an empty object when allowEmpty, else 400.
// A Content-Type other than application/json is a 415.
nlohmann::json parseJsonBody(const ApiRequest& req, bool allowEmpty = false);

// Helpers for handlers: a required/optional member of a given type, with a field-named ApiError(400).
const nlohmann::json& requireField(const nlohmann::json& obj, const char* name, const std::string& path);
std::string requireString(const nlohmann::json& obj, const char* name, const std::string& path,
                          size_t maxLen = 256);
void rejectUnknownFields(const nlohmann::json& obj, std::initializer_list<const char*> known,
                         const std::string& path);

}  // namespace rooms
