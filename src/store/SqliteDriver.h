#pragma once
// SQLite, one file in WAL mode. Each thread that touches the database opens its own connection on the same
// file; WAL lets the readers run beside the single writer, and busy_timeout absorbs the short waits.
#include <sqlite3.h>

#include <memory>
#include <string>

#include "store/DatabaseDriver.h"

namespace rooms {

class SqliteDriver : public DatabaseDriver {
 public:
  // Opens (creating) path. synchronous is "NORMAL" (durable across process crashes) or "FULL" (also across
  // power loss).
  SqliteDriver(const std::string& path, const std::string& synchronous);

  void exec(const std::string& sql) override;
  std::unique_ptr<StatementDriver> prepare(const std::string& sql) override;
  int changes() const override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  void lockSchema() override {}  // BEGIN IMMEDIATE already holds the only write lock
  int schemaVersion() override;
  void setSchemaVersion(int version) override;
  std::string migrationSql(std::string_view ddl) const override { return std::string(ddl); }
  void checkpoint() override;
  const char* engine() const override { return "sqlite"; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace rooms
