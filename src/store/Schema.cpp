#include "store/Schema.h"

#include <string>
#include <vector>

namespace rooms {
namespace {

// Each entry upgrades from version i to i+1. Never edit a shipped entry; append a new one.
const std::vector<std::string> kMigrations = {
    R"SQL(
CREATE TABLE rooms (
  room_id          TEXT PRIMARY KEY,
  session_id       TEXT NOT NULL,
  state            TEXT NOT NULL,
  request_json     TEXT NOT NULL,   -- the create body as received, for idempotent retries
  config_json      TEXT NOT NULL,   -- current config (aiOrb, features, schedule)
  participants_json TEXT NOT NULL,  -- {"coach": {"id","token"}, "client": {...}}
  created_at       INTEGER NOT NULL,
  prewarmed_at     INTEGER,
  started_at       INTEGER,
  ended_at         INTEGER,
  end_reason       TEXT,
  ended_by         TEXT,
  final_duration   INTEGER
);
CREATE INDEX rooms_open ON rooms(state) WHERE state <> 'ended';

CREATE TABLE connection_intervals (
  id             INTEGER PRIMARY KEY,
  room_id        TEXT NOT NULL REFERENCES rooms(room_id),
  role           TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  connection_id  TEXT NOT NULL,
  joined_at      INTEGER NOT NULL,
  left_at        INTEGER,
  left_reason    TEXT
);
CREATE INDEX intervals_room ON connection_intervals(room_id);
CREATE INDEX intervals_open ON connection_intervals(left_at) WHERE left_at IS NULL;

CREATE TABLE events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id    TEXT NOT NULL,
  type       TEXT NOT NULL,
  data_json  TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX events_room ON events(room_id, id);

CREATE TABLE webhooks (
  id         TEXT PRIMARY KEY,
  url        TEXT NOT NULL,
  events_json TEXT NOT NULL,
  secret     TEXT,
  created_at INTEGER NOT NULL,
  deleted_at INTEGER
);

CREATE TABLE webhook_deliveries (
  id              TEXT PRIMARY KEY,
  webhook_id      TEXT NOT NULL REFERENCES webhooks(id),
  event_id        INTEGER NOT NULL REFERENCES events(id),
  state           TEXT NOT NULL,   -- pending | delivered | failed
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_status     INTEGER,
  last_error      TEXT,
  delivered_at    INTEGER
);
CREATE INDEX deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 'pending';
CREATE INDEX deliveries_webhook ON webhook_deliveries(webhook_id, created_at);

CREATE TABLE webhook_attempts (
  id           INTEGER PRIMARY KEY,
  delivery_id  TEXT NOT NULL REFERENCES webhook_deliveries(id),
  attempted_at INTEGER NOT NULL,
  status       INTEGER,
  error        TEXT,
  elapsed_ms   INTEGER
);
CREATE INDEX attempts_delivery ON webhook_attempts(delivery_id);

CREATE TABLE transcript_segments (
  id             INTEGER PRIMARY KEY,
  room_id        TEXT NOT NULL REFERENCES rooms(room_id),
  participant_id TEXT NOT NULL,
  role           TEXT NOT NULL,
  name           TEXT NOT NULL DEFAULT '',
  start_ms       INTEGER NOT NULL,
  end_ms         INTEGER NOT NULL,
  text           TEXT NOT NULL,
  confidence     REAL NOT NULL
);
CREATE INDEX transcript_room ON transcript_segments(room_id, start_ms);

CREATE TABLE summaries (
  room_id      TEXT PRIMARY KEY REFERENCES rooms(room_id),
  summary_json TEXT NOT NULL,
  generated_at INTEGER NOT NULL
);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)SQL",
    // 2: connection analytics from the media plane, one JSON row per room, rewritten as samples arrive.
    R"SQL(
CREATE TABLE room_analytics (
  room_id        TEXT PRIMARY KEY REFERENCES rooms(room_id),
  analytics_json TEXT NOT NULL,
  updated_at     INTEGER NOT NULL
);
)SQL",
    // 3: talk time per transcript segment (voice activity, counted even when nothing was recognised).
    R"SQL(
ALTER TABLE transcript_segments ADD COLUMN speech_ms INTEGER NOT NULL DEFAULT 0;
)SQL",
    // 4: session recordings, one row per file (a participant's source, or the composite).
    R"SQL(
CREATE TABLE recordings (
  id             TEXT PRIMARY KEY,
  room_id        TEXT NOT NULL REFERENCES rooms(room_id),
  participant_id TEXT,
  role           TEXT,
  source         TEXT NOT NULL,
  kinds          TEXT NOT NULL,
  codecs         TEXT NOT NULL,
  format         TEXT NOT NULL,
  path           TEXT NOT NULL,
  status         TEXT NOT NULL,
  started_at     INTEGER NOT NULL,
  ended_at       INTEGER,
  duration_ms    INTEGER,
  bytes          INTEGER NOT NULL DEFAULT 0,
  error          TEXT,
  progress       REAL
);
CREATE INDEX recordings_room ON recordings(room_id, started_at);
CREATE INDEX recordings_status ON recordings(status);
)SQL",
    // 5: GET /api/rooms pages through rooms newest first.
    R"SQL(
CREATE INDEX rooms_created ON rooms(created_at, room_id);
)SQL",
};

}  // namespace

void migrateSchema(Database& db) {
  DatabaseDriver& driver = db.driver();
  auto tx = db.transaction();
  driver.lockSchema();
  const auto version = static_cast<size_t>(driver.schemaVersion());
  if (version > kMigrations.size()) {
    throw StoreError("database schema version " + std::to_string(version) + " is newer than this roomsd (" +
                     std::to_string(kMigrations.size()) + ")");
  }
  for (size_t v = version; v < kMigrations.size(); ++v) {
    db.exec(driver.migrationSql(kMigrations[v]));
  }
  if (version < kMigrations.size()) {
    driver.setSchemaVersion(static_cast<int>(kMigrations.size()));
  }
  tx.commit();
}

}  // namespace rooms
