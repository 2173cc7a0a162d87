#include "core/Log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <stdexcept>

namespace rooms::log {
namespace {

Format gFormat = Format::Text;

std::string render(std::string_view level, std::string_view event, const nlohmann::json& fields) {
  if (gFormat == Format::Json) {
    nlohmann::json line = nlohmann::json::object();
    line["level"] = level;
    line["event"] = event;
    if (fields.is_object()) {
      for (const auto& [k, v] : fields.items()) line[k] = v;
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  std::string out(event);
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) {
      out += ' ';
      out += k;
      out += '=';
      out += v.is_string() ? v.get<std::string>()
                           : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
  }
  return out;
}

}  // namespace

void init(std::string_view level, std::string_view format) {
  if (format == "json") {
    gFormat = Format::Json;
  } else if (format == "text") {
    gFormat = Format::Text;
  } else {
    throw std::invalid_argument("log format must be text or json");
  }
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") throw std::invalid_argument("unknown log level");
  auto logger = spdlog::stderr_logger_mt("roomsd");
  // JSON lines carry their own fields; the time is the only thing spdlog adds.
  logger->set_pattern(
      gFormat == Format::Json ? R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ",%v)" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
      spdlog::pattern_time_type::utc);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

namespace {
void emit(spdlog::level::level_enum lvl, std::string_view name, std::string_view event,
          const nlohmann::json& f) {
  if (!spdlog::default_logger_raw()->should_log(lvl)) return;
  std::string line = render(name, event, f);
  if (gFormat == Format::Json) line.erase(0, 1);  // the pattern already opened the object
  spdlog::default_logger_raw()->log(lvl, line);
}
}  // namespace

bool debugEnabled() {
  return spdlog::default_logger_raw()->should_log(spdlog::level::debug);
}

void debug(std::string_view e, const nlohmann::json& f) {
  emit(spdlog::level::debug, "debug", e, f);
}
void info(std::string_view e, const nlohmann::json& f) {
  emit(spdlog::level::info, "info", e, f);
}
void warn(std::string_view e, const nlohmann::json& f) {
  emit(spdlog::level::warn, "warn", e, f);
}
void error(std::string_view e, const nlohmann::json& f) {
  emit(spdlog::level::err, "error", e, f);
}

}  // namespace rooms::log
