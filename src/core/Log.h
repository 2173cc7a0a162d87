#pragma once
// Structured logging on top of spdlog. Every line is an event name plus fields; in "json" format a line is
// one JSON object, in "text" format "event key=value ...". Secrets never go in: callers log key labels
// (ApiKeySet::label) and token error codes, never keys or tokens.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace rooms::log {

enum class Format { Text, Json };

// level: trace|debug|info|warn|error|off. Throws std::invalid_argument on an unknown level or format.
void init(std::string_view level, std::string_view format);

// True when debug lines are written; lets hot paths skip building fields nobody reads.
bool debugEnabled();

void debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());
void error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object());

}  // namespace rooms::log
