#pragma once
// Everything roomsd is configured with. Each setting is a flag and an environment variable; the spec's
// variables keep the spec's names (ROOM_SERVICE_PORT, ROOM_SERVICE_API_KEY, ROOM_WEBHOOK_SECRET,
// JWT_SIGNING_SECRET), ours start with ROOMS_.
#include <cstdint>
#include <string>
#include <vector>

#include "core/NetworkSet.h"

namespace rooms {

struct Config {
  uint16_t port = 3001;
  std::string bindAddress = "0.0.0.0";
  std::string apiKeys;        // comma-separated
  std::string webhookSecret;  // default signing secret for webhooks registered without one
  std::string jwtSecret;      // verifies participant tokens
  std::string dataDir = "./data";
  std::string publicUrl;  // default http(s)://localhost:{port}
  std::vector<std::string> corsOrigins;
  // Origins allowed to embed the room page in an iframe (CSP frame-ancestors); empty: nobody.
  std::vector<std::string> frameAncestors;
  std::string logLevel = "info";
  std::string logFormat = "text";
  bool dev = false;
  std::string tlsCert;
  std::string tlsKey;
  double rateLimitPerKey = 200;  // requests/s per API key, 0 disables
  double rateLimitPerKeyBurst = 400;
  double rateLimitPerIp = 100;  // requests/s per client address, 0 disables
  double rateLimitPerIpBurst = 200;
  size_t maxBodyBytes = 65536;
  // HTTP connections in total (0: from the descriptor limit) and from one address (api/ConnectionLimiter).
  size_t maxConnections = 0;
  size_t maxConnectionsPerAddress = 256;
  int64_t noShowGraceSeconds = 3600;  // a scheduled room nobody joined ends this long after its start time
  int64_t webhookRetryHours = 24;
  // Where recordings go; empty: {dataDir}/recordings. Finished recordings older than the retention are
  // deleted (0: kept until deleted through the API).
  std::string recordingsDir;
  int64_t recordingRetentionDays = 30;
  std::string ffmpegPath = "ffmpeg";
  int64_t webhookTimeoutMs = 10000;
  // Where webhooks may be delivered besides the always-refused addresses (events/WebhookTargetPolicy).
  NetworkSet webhookAllowedNetworks;  // empty: anywhere not denied
  NetworkSet webhookDeniedNetworks;
  // Peers whose X-Forwarded-For names the client (api/ClientAddress).
  NetworkSet trustedProxies;
  int64_t webhookBackoffBaseMs = 1000;   // first retry delay; doubles per attempt
  int64_t webhookBackoffMaxMs = 600000;  // cap of the retry delay
  std::string dbSynchronous = "NORMAL";  // NORMAL survives kill -9; FULL also survives power loss
  // A PostgreSQL URL: the store lives there instead of {dataDir}/rooms.db (docs/cluster.md).
  std::string databaseUrl;
  // Cluster mode (docs/cluster.md): on when redisUrl is set (with databaseUrl). nodeId names this node
  // (default: the host name and port); internalUrl is where the other nodes reach it.
  std::string redisUrl;
  std::string nodeId;
  std::string internalUrl;
  bool clustered() const { return !redisUrl.empty(); }
  bool enableTestHooks = false;
  int64_t shutdownGraceMs = 5000;

  // Media plane (docs/signaling.md).
  uint16_t mediaPort = 40000;  // UDP (and ICE-TCP) port of the first media worker; worker i has mediaPort + i
  size_t mediaWorkers = 0;     // media threads, each with its own port; 0 (the default): one per core
  bool mediaPinCores = false;  // pin media worker i's thread to core i
  bool iceUdp = true;          // false: announce only the ICE-TCP candidate (for networks that drop UDP)
  std::string announcedIp;     // the address in our ICE candidates; empty: detected at start
  std::string mediaInterface;  // interface whose address is announced when announcedIp is empty
  int64_t reconnectGraceSeconds = 30;     // a participant back within this long reconnected, not left
  int64_t iceConsentTimeoutSeconds = 30;  // RFC 7675: no STUN check for this long and consent is lost
  std::vector<std::string> turnUrls;      // handed to browsers with time-limited credentials
  std::string turnSecret;                 // coturn's static-auth-secret (TURN REST API)
  int64_t turnCredentialTtlSeconds = 86400;
  std::string webDir;                  // the room page's files; empty: found next to the binary
  uint32_t maxVideoBitrate = 2500000;  // cap of the REMB we give publishers, bit/s
  // The demo console at / (web/console/): "auto" turns it on in development mode only; "true" or "false"
  // decide explicitly. Its create endpoint (POST /api/console/rooms) exists only while it is on.
  std::string console = "auto";
  bool consoleEnabled() const { return console == "true" || (console == "auto" && dev); }

  // Session intelligence (docs/ai.md): speech recognition, the AI Orb's dialog and the summary.
  std::string asrUrl;  // OpenAI-compatible server for POST /v1/audio/transcriptions; empty: pocketsphinx
  std::string asrKey;
  std::string asrModel = "whisper-1";
  int64_t asrTimeoutMs = 15000;
  int asrThreads = 1;  // recognition workers (each holds one decoder)
  std::string speechModelDir = "/usr/share/pocketsphinx/model/en-us";
  std::string llmUrl;  // OpenAI-compatible server for POST /v1/chat/completions; empty: embedded engines
  std::string llmKey;
  std::string llmModel = "gpt-4o-mini";
  int64_t llmTimeoutMs = 8000;
  int64_t orbCheckInSeconds = 180;  // the orb checks in at a pause at most this often (aiAssistance on)

  // Parses flags and environment. Prints help and exits for --help; throws std::runtime_error with a
  // readable message for invalid values.
  static Config load(int argc, char** argv);

  // In development mode, fills missing secrets from {dataDir}/dev-secrets.json, generating and saving them
  // on first use, and prints them with a warning. Outside it, throws if a required secret is missing.
  void resolveSecrets();
};

}  // namespace rooms
