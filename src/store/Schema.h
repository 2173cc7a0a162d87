#pragma once
#include "store/Database.h"

namespace rooms {

// Creates or upgrades the schema to the current version (PRAGMA user_version). Idempotent.
void migrateSchema(Database& db);

}  // namespace rooms
