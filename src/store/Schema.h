#pragma once
#include "store/Database.h"

namespace rooms {

// Creates or upgrades the schema to the current version, in one transaction (SQLite: PRAGMA user_version;
// PostgreSQL: the rooms_schema table, under an advisory lock so nodes starting together migrate once).
// Idempotent.
void migrateSchema(Database& db);

}  // namespace rooms
