#include "store/Database.h"

#include "store/PostgresDriver.h"
#include "store/SqliteDriver.h"

namespace rooms {

Database::Database(const std::string& path, const std::string& synchronous)
    : driver_(std::make_unique<SqliteDriver>(path, synchronous)) {}

Database::Database(std::unique_ptr<DatabaseDriver> driver) : driver_(std::move(driver)) {}

bool Database::isPostgresUrl(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Database> Database::open(const std::string& location, const std::string& synchronous) {
  if (isPostgresUrl(location)) {
    return std::make_unique<Database>(std::make_unique<PostgresDriver>(location));
  }
  return std::make_unique<Database>(location, synchronous);
}

Database::Transaction::Transaction(Database& db) : db_(db) {
  db_.driver_->begin();
}

Database::Transaction::~Transaction() {
  if (!done_) {
    db_.driver_->rollback();
  }
}

void Database::Transaction::commit() {
  db_.driver_->commit();
  done_ = true;
}

}  // namespace rooms
