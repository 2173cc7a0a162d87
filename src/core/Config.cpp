#include "core/Config.h"

#include <unistd.h>

#include <cstring>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

#include "core/Ids.h"

namespace rooms {
namespace {

// "a, b,,c" -> {"a", "b", "c"}
// scheme://host[:port], the host a DNS name (optionally "*." first), an IPv4 address or a bracketed IPv6 one.
bool validOrigin(const std::string& origin) {
  size_t hostStart = 0;
  if (origin.rfind("https://", 0) == 0) {
    hostStart = 8;
  } else if (origin.rfind("http://", 0) == 0) {
    hostStart = 7;
  } else {
    return false;
  }
  std::string rest = origin.substr(hostStart);
  std::string host = rest;
  std::string port;
  if (!rest.empty() && rest.front() == '[') {
    const size_t close = rest.find(']');
    if (close == std::string::npos || close < 3) return false;
    for (char ch : rest.substr(1, close - 1)) {
      if (!std::isxdigit(static_cast<unsigned char>(ch)) && ch != ':' && ch != '.') return false;
    }
    host.clear();
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return false;
      port = rest.substr(close + 2);
      if (port.empty()) return false;
    }
  } else {
    if (const size_t colon = rest.find(':'); colon != std::string::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.rfind("*.", 0) == 0) host = host.substr(2);
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.') return false;
    for (char ch : host) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') return false;
    }
  }
  if (port.size() > 5) return false;
  for (char ch : port) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
  }
  return port.empty() || std::stoi(port) <= 65535;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> items;
  for (size_t pos = 0; pos <= text.size();) {
    size_t end = text.find(',', pos);
    if (end == std::string::npos) end = text.size();
    std::string item = text.substr(pos, end - pos);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (!item.empty()) items.push_back(item);
    pos = end + 1;
  }
  return items;
}

}  // namespace

Config Config::load(int argc, char** argv) {
  Config c;
  CLI::App app{"roomsd: real-time media service for coaching rooms"};
  app.set_version_flag("--version", ROOMS_VERSION);
  std::string cors;
  int port = c.port;
  app.add_option("--port", port, "HTTP/WebSocket port")
      ->envname("ROOM_SERVICE_PORT")
      ->check(CLI::Range(1, 65535));
  app.add_option("--bind", c.bindAddress, "Address to listen on")->envname("ROOMS_BIND_ADDRESS");
  app.add_option("--api-key", c.apiKeys, "API key(s), comma-separated for rotation")
      ->envname("ROOM_SERVICE_API_KEY");
  app.add_option("--webhook-secret", c.webhookSecret, "Default webhook signing secret")
      ->envname("ROOM_WEBHOOK_SECRET");
  app.add_option("--jwt-secret", c.jwtSecret, "HS256 secret of participant tokens")
      ->envname("JWT_SIGNING_SECRET");
  app.add_option("--data-dir", c.dataDir, "Directory of the SQLite database")->envname("ROOMS_DATA_DIR");
  app.add_option("--public-url", c.publicUrl, "Base URL used in connection URLs")
      ->envname("ROOMS_PUBLIC_URL");
  app.add_option("--cors-origins", cors, "Allowed CORS origins, comma-separated, or *")
      ->envname("ROOMS_CORS_ORIGINS");
  app.add_option("--log-level", c.logLevel, "trace|debug|info|warn|error|off")->envname("ROOMS_LOG_LEVEL");
  app.add_option("--log-format", c.logFormat, "text|json")->envname("ROOMS_LOG_FORMAT");
  app.add_flag("--dev", c.dev, "Development mode: generate missing secrets")->envname("ROOMS_DEV");
  app.add_option("--tls-cert", c.tlsCert, "PEM certificate chain for HTTPS/WSS")->envname("ROOMS_TLS_CERT");
  app.add_option("--tls-key", c.tlsKey, "PEM private key for HTTPS/WSS")->envname("ROOMS_TLS_KEY");
  app.add_option("--rate-limit-per-key", c.rateLimitPerKey, "Requests/s per API key (0 disables)")
      ->envname("ROOMS_RATE_LIMIT_PER_KEY");
  app.add_option("--rate-limit-per-key-burst", c.rateLimitPerKeyBurst, "Burst per API key")
      ->envname("ROOMS_RATE_LIMIT_PER_KEY_BURST");
  app.add_option("--rate-limit-per-ip", c.rateLimitPerIp, "Requests/s per client address (0 disables)")
      ->envname("ROOMS_RATE_LIMIT_PER_IP");
  app.add_option("--rate-limit-per-ip-burst", c.rateLimitPerIpBurst, "Burst per client address")
      ->envname("ROOMS_RATE_LIMIT_PER_IP_BURST");
  app.add_option("--max-body-bytes", c.maxBodyBytes, "Largest accepted request body")
      ->envname("ROOMS_MAX_BODY_BYTES");
  app.add_option("--max-connections", c.maxConnections,
                 "HTTP connections held at once (0: three quarters of the descriptor limit, at most 10000)")
      ->envname("ROOMS_MAX_CONNECTIONS");
  app.add_option("--max-connections-per-address", c.maxConnectionsPerAddress,
                 "HTTP connections one client address may hold")
      ->envname("ROOMS_MAX_CONNECTIONS_PER_ADDRESS")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  app.add_option("--no-show-grace", c.noShowGraceSeconds,
                 "Seconds after the scheduled start before an unjoined room ends")
      ->envname("ROOMS_NO_SHOW_GRACE_SECONDS");
  app.add_option("--webhook-retry-hours", c.webhookRetryHours, "How long a webhook delivery is retried")
      ->envname("ROOMS_WEBHOOK_RETRY_HOURS");
  app.add_option("--recordings-dir", c.recordingsDir,
                 "Directory of session recordings (default {data-dir}/recordings)")
      ->envname("ROOMS_RECORDINGS_DIR");
  app.add_option("--recording-retention-days", c.recordingRetentionDays,
                 "Days a finished recording is kept (0: until deleted)")
      ->envname("ROOMS_RECORDING_RETENTION_DAYS")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--ffmpeg", c.ffmpegPath, "The ffmpeg program that makes composites and repairs recordings")
      ->envname("ROOMS_FFMPEG");
  app.add_option("--webhook-timeout-ms", c.webhookTimeoutMs, "Timeout of one webhook attempt")
      ->envname("ROOMS_WEBHOOK_TIMEOUT_MS");
  std::string webhookAllowed;
  std::string webhookDenied;
  app.add_option("--webhook-allowed-networks", webhookAllowed,
                 "Networks webhooks may be delivered to, CIDR list (empty: any not denied)")
      ->envname("ROOMS_WEBHOOK_ALLOWED_NETWORKS");
  app.add_option("--webhook-denied-networks", webhookDenied, "Networks webhooks may not be delivered to")
      ->envname("ROOMS_WEBHOOK_DENIED_NETWORKS");
  std::string frameAncestors;
  app.add_option("--frame-ancestors", frameAncestors,
                 "Origins that may embed the room page in an iframe, comma- or space-separated")
      ->envname("ROOMS_FRAME_ANCESTORS");
  std::string trustedProxies;
  app.add_option("--trusted-proxies", trustedProxies,
                 "Proxies whose X-Forwarded-For names the client, CIDR list (rate limits, logs)")
      ->envname("ROOMS_TRUSTED_PROXIES");
  app.add_option("--webhook-backoff-base-ms", c.webhookBackoffBaseMs, "First webhook retry delay")
      ->envname("ROOMS_WEBHOOK_BACKOFF_BASE_MS")
      ->check(CLI::Range(int64_t{10}, int64_t{3600000}));
  app.add_option("--webhook-backoff-max-ms", c.webhookBackoffMaxMs, "Largest webhook retry delay")
      ->envname("ROOMS_WEBHOOK_BACKOFF_MAX_MS")
      ->check(CLI::Range(int64_t{10}, int64_t{86400000}));
  app.add_option("--db-synchronous", c.dbSynchronous, "SQLite synchronous mode: NORMAL or FULL")
      ->envname("ROOMS_DB_SYNCHRONOUS")
      ->check(CLI::IsMember({"NORMAL", "FULL"}));
  app.add_option("--database-url", c.databaseUrl,
                 "PostgreSQL URL (postgresql://user@host:port/db): the store lives there instead of SQLite")
      ->envname("ROOMS_DATABASE_URL")
      ->check([](const std::string& v) -> std::string {
        if (v.empty() || v.rfind("postgresql://", 0) == 0 || v.rfind("postgres://", 0) == 0) return {};
        return "not a PostgreSQL URL (postgresql://user@host:port/database)";
      });
  app.add_option(
         "--redis-url", c.redisUrl,
         "Redis URL (redis://[:password@]host:port[/db]): with --database-url, this node joins a cluster")
      ->envname("ROOMS_REDIS_URL")
      ->check([](const std::string& v) -> std::string {
        if (v.empty() || v.rfind("redis://", 0) == 0) return {};
        return "not a Redis URL (redis://[:password@]host:port[/db])";
      });
  app.add_option("--node-id", c.nodeId, "This node's name in the cluster (default: host name and port)")
      ->envname("ROOMS_NODE_ID")
      ->check([](const std::string& v) -> std::string {
        if (v.size() <= 64 &&
            v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
                std::string::npos)
          return {};
        return "up to 64 letters, digits, '-', '_' or '.'";
      });
  app.add_option("--internal-url", c.internalUrl,
                 "Where the other nodes of the cluster reach this one (http://host:port)")
      ->envname("ROOMS_INTERNAL_URL");
  app.add_flag("--enable-test-hooks", c.enableTestHooks, "Expose /_test routes (tests only)")
      ->envname("ROOMS_ENABLE_TEST_HOOKS");
  app.add_option("--shutdown-grace-ms", c.shutdownGraceMs, "Time allowed to drain on SIGTERM")
      ->envname("ROOMS_SHUTDOWN_GRACE_MS");
  int mediaPort = c.mediaPort;
  std::string turnUrls;
  app.add_option("--media-port", mediaPort, "UDP/TCP port of the media plane (0: any free port)")
      ->envname("ROOMS_MEDIA_PORT")
      ->check(CLI::Range(0, 65535));
  app.add_option("--media-workers", c.mediaWorkers,
                 "Media threads, each on its own port from --media-port up (0: one per core)")
      ->envname("ROOMS_MEDIA_WORKERS")
      ->check(CLI::Range(0, 256));
  app.add_option("--media-pin-cores", c.mediaPinCores, "Pin media worker i's thread to core i")
      ->envname("ROOMS_MEDIA_PIN_CORES");
  app.add_option("--ice-udp", c.iceUdp, "Announce the UDP candidate (false: ICE-TCP only)")
      ->envname("ROOMS_ICE_UDP");
  app.add_option("--announced-ip", c.announcedIp, "Address announced in ICE candidates (default: detected)")
      ->envname("ROOMS_ANNOUNCED_IP");
  app.add_option("--media-interface", c.mediaInterface, "Interface whose IPv4 address is announced")
      ->envname("ROOMS_MEDIA_INTERFACE");
  app.add_option("--reconnect-grace", c.reconnectGraceSeconds, "Seconds a dropped participant may return")
      ->envname("ROOMS_RECONNECT_GRACE_SECONDS")
      ->check(CLI::Range(int64_t{0}, int64_t{3600}));
  app.add_option("--ice-consent-timeout", c.iceConsentTimeoutSeconds, "Seconds without ICE consent")
      ->envname("ROOMS_ICE_CONSENT_TIMEOUT_SECONDS")
      ->check(CLI::Range(int64_t{2}, int64_t{300}));
  app.add_option("--turn-urls", turnUrls, "TURN URLs for browsers, comma-separated")
      ->envname("ROOMS_TURN_URLS");
  app.add_option("--turn-secret", c.turnSecret, "coturn static-auth-secret")->envname("ROOMS_TURN_SECRET");
  app.add_option("--turn-ttl", c.turnCredentialTtlSeconds, "Lifetime of TURN credentials in seconds")
      ->envname("ROOMS_TURN_TTL_SECONDS");
  app.add_option("--web-dir", c.webDir, "Directory of the room page")->envname("ROOMS_WEB_DIR");
  app.add_option("--console", c.console, "Demo console at /: auto (on with --dev), true, false")
      ->envname("ROOMS_CONSOLE")
      ->transform(CLI::IsMember({"auto", "true", "false"}, CLI::ignore_case));
  app.add_option("--max-video-bitrate", c.maxVideoBitrate, "Highest bitrate publishers are told to use")
      ->envname("ROOMS_MAX_VIDEO_BITRATE");
  app.add_option("--asr-url", c.asrUrl, "OpenAI-compatible transcription server (empty: pocketsphinx)")
      ->envname("ROOMS_ASR_URL");
  app.add_option("--asr-key", c.asrKey, "Bearer key for the transcription server")->envname("ROOMS_ASR_KEY");
  app.add_option("--asr-model", c.asrModel, "Model name sent to the transcription server")
      ->envname("ROOMS_ASR_MODEL");
  app.add_option("--asr-timeout-ms", c.asrTimeoutMs, "Timeout of one transcription request")
      ->envname("ROOMS_ASR_TIMEOUT_MS")
      ->check(CLI::Range(int64_t{100}, int64_t{300000}));
  app.add_option("--asr-threads", c.asrThreads, "Speech recognition worker threads")
      ->envname("ROOMS_ASR_THREADS")
      ->check(CLI::Range(1, 64));
  app.add_option("--speech-model-dir", c.speechModelDir, "pocketsphinx model directory")
      ->envname("ROOMS_SPEECH_MODEL_DIR");
  app.add_option("--llm-url", c.llmUrl, "OpenAI-compatible chat server (empty: embedded engines)")
      ->envname("ROOMS_LLM_URL");
  app.add_option("--llm-key", c.llmKey, "Bearer key for the chat server")->envname("ROOMS_LLM_KEY");
  app.add_option("--llm-model", c.llmModel, "Model name sent to the chat server")->envname("ROOMS_LLM_MODEL");
  app.add_option("--llm-timeout-ms", c.llmTimeoutMs, "Timeout of one chat request")
      ->envname("ROOMS_LLM_TIMEOUT_MS")
      ->check(CLI::Range(int64_t{100}, int64_t{300000}));
  app.add_option("--orb-check-in", c.orbCheckInSeconds, "Seconds between the AI Orb's check-ins at pauses")
      ->envname("ROOMS_ORB_CHECK_IN_SECONDS")
      ->check(CLI::Range(int64_t{5}, int64_t{86400}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::exit(app.exit(e));
  }
  c.port = static_cast<uint16_t>(port);
  c.mediaPort = static_cast<uint16_t>(mediaPort);
  if (c.mediaWorkers == 0) {
    c.mediaWorkers = std::max(1u, std::thread::hardware_concurrency());
  }
  if (c.mediaPort != 0 && c.mediaPort + c.mediaWorkers - 1 > 65535) {
    throw std::runtime_error("ROOMS_MEDIA_PORT " + std::to_string(c.mediaPort) + " leaves no room for " +
                             std::to_string(c.mediaWorkers) + " media workers below 65536");
  }
  c.turnUrls = splitList(turnUrls);
  if (!c.turnUrls.empty() && c.turnSecret.empty())
    throw std::runtime_error("ROOMS_TURN_URLS needs ROOMS_TURN_SECRET (coturn's static-auth-secret)");
  c.corsOrigins = splitList(cors);
  std::replace(frameAncestors.begin(), frameAncestors.end(), ' ', ',');
  for (auto& origin : splitList(frameAncestors)) {
    // Each becomes a CSP source expression of a header, so only a plain origin is taken: anything else
    // (a path, a quote, a semicolon) could change the policy.
    if (!validOrigin(origin)) {
      throw std::runtime_error("ROOMS_FRAME_ANCESTORS: '" + origin +
                               "' is not an origin like https://app.example.com or http://127.0.0.1:8080");
    }
    c.frameAncestors.push_back(origin);
  }
  try {
    c.webhookAllowedNetworks = NetworkSet::parse(webhookAllowed);
    c.webhookDeniedNetworks = NetworkSet::parse(webhookDenied);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("ROOMS_WEBHOOK_ALLOWED_NETWORKS / ROOMS_WEBHOOK_DENIED_NETWORKS: ") +
                             e.what());
  }
  try {
    c.trustedProxies = NetworkSet::parse(trustedProxies);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("ROOMS_TRUSTED_PROXIES: ") + e.what());
  }
  // SQLite's durability setting; a PostgreSQL server's is its own (synchronous_commit), not ours to set.
  if (!c.databaseUrl.empty() && app.count("--db-synchronous") > 0) {
    throw std::runtime_error(
        "ROOMS_DB_SYNCHRONOUS is SQLite's setting and does nothing with ROOMS_DATABASE_URL: leave it unset "
        "(PostgreSQL's durability is the server's synchronous_commit)");
  }
  if (c.clustered()) {
    if (c.databaseUrl.empty()) {
      throw std::runtime_error(
          "ROOMS_REDIS_URL needs ROOMS_DATABASE_URL: the nodes of a cluster share their store in PostgreSQL "
          "(docs/cluster.md)");
    }
    if (c.internalUrl.empty()) {
      throw std::runtime_error(
          "ROOMS_INTERNAL_URL is required with ROOMS_REDIS_URL: the URL at which the other nodes reach this "
          "one "
          "(http://host:port)");
    }
    while (!c.internalUrl.empty() && c.internalUrl.back() == '/') c.internalUrl.pop_back();
    // The internal channel is plain HTTP between nodes on a private network (docs/cluster.md): requests it
    // forwards carry the clients' own credentials and are signed with the cluster's shared secret.
    if (c.internalUrl.rfind("http://", 0) != 0)
      throw std::runtime_error("ROOMS_INTERNAL_URL must be an http:// URL (http://host:port)");
  } else if (!c.internalUrl.empty() || !c.nodeId.empty()) {
    throw std::runtime_error(
        "ROOMS_NODE_ID and ROOMS_INTERNAL_URL are for cluster mode: set ROOMS_REDIS_URL too");
  }
  if (c.nodeId.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "roomsd");
    c.nodeId = std::string(host) + "-" + std::to_string(c.port);
  }
  if (c.maxBodyBytes < 1024) throw std::runtime_error("--max-body-bytes must be at least 1024");
  if (c.tlsCert.empty() != c.tlsKey.empty())
    throw std::runtime_error("ROOMS_TLS_CERT and ROOMS_TLS_KEY must be set together");
  if (c.publicUrl.empty()) {
    c.publicUrl = (c.tlsCert.empty() ? "http://localhost:" : "https://localhost:") + std::to_string(c.port);
  }
  while (!c.publicUrl.empty() && c.publicUrl.back() == '/') c.publicUrl.pop_back();
  if (c.publicUrl.rfind("http://", 0) != 0 && c.publicUrl.rfind("https://", 0) != 0)
    throw std::runtime_error("ROOMS_PUBLIC_URL must start with http:// or https://");
  return c;
}

void Config::resolveSecrets() {
  if (!dev) {
    std::string missing;
    if (apiKeys.empty()) missing += " ROOM_SERVICE_API_KEY";
    if (jwtSecret.empty()) missing += " JWT_SIGNING_SECRET";
    if (webhookSecret.empty()) missing += " ROOM_WEBHOOK_SECRET";
    if (!missing.empty())
      throw std::runtime_error("missing required secret(s):" + missing +
                               " (set them, or start with --dev / ROOMS_DEV=1 for development mode)");
    return;
  }
  std::filesystem::create_directories(dataDir);
  auto path = std::filesystem::path(dataDir) / "dev-secrets.json";
  nlohmann::json saved = nlohmann::json::object();
  if (std::ifstream in(path); in) {
    saved = nlohmann::json::parse(in, nullptr, false);
    if (!saved.is_object())
      throw std::runtime_error(path.string() + " is not valid JSON; delete it to regenerate");
  }
  bool generated = false;
  auto fill = [&](std::string& value, const char* key) {
    if (!value.empty()) return;
    if (saved.contains(key) && saved[key].is_string()) {
      value = saved[key].get<std::string>();
    } else {
      value = randomHex(24);
      saved[key] = value;
      generated = true;
    }
  };
  fill(apiKeys, "apiKey");
  fill(jwtSecret, "jwtSecret");
  fill(webhookSecret, "webhookSecret");
  if (generated) {
    std::ofstream out(path, std::ios::trunc);
    out << saved.dump(2) << "\n";
    if (!out) throw std::runtime_error("cannot write " + path.string());
    ::chmod(path.c_str(), 0600);
  }
  std::cerr << "\n*** roomsd is in DEVELOPMENT MODE: secrets come from " << path.string()
            << " and are printed here. Never use --dev in production. ***\n"
            << "  ROOM_SERVICE_API_KEY=" << apiKeys << "\n"
            << "  JWT_SIGNING_SECRET=" << jwtSecret << "\n"
            << "  ROOM_WEBHOOK_SECRET=" << webhookSecret << "\n\n";
}

}  // namespace rooms
