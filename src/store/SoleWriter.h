#pragma once
// Until cluster mode exists (issue 17, docs/cluster.md), a database has one roomsd: two would each run the
// room lifecycle, recovery and the webhook outbox over the same rows. On PostgreSQL, where a second node can
// reach the same database, the first roomsd holds a session advisory lock for as long as its connection
// lives, and a second one is refused at start. (A SQLite file sits in one node's data directory.)
#include "store/Database.h"

namespace rooms {

// Throws StoreError when another roomsd holds the database.
void claimSoleWriter(Database& db);

}  // namespace rooms
