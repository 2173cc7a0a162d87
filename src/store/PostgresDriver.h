#pragma once
// PostgreSQL through libpq: the store of a roomsd that shares its durable state with other nodes
// (ROOMS_DATABASE_URL, docs/cluster.md). Each thread that touches the database opens its own connection, as
// with SQLite. Statements are sent with their parameters each time they run (PQexecParams, text format):
// the store's statements are few and small, and this keeps a connection free of server-side state that a
// reconnect would lose.
#include <libpq-fe.h>

#include <memory>
#include <string>

#include "store/DatabaseDriver.h"

namespace rooms {

class PostgresDriver : public DatabaseDriver {
 public:
  // url: a libpq connection URI ("postgresql://user@host:port/db") or key=value string.
  explicit PostgresDriver(const std::string& url);

  void exec(const std::string& sql) override;
  std::unique_ptr<StatementDriver> prepare(const std::string& sql) override;
  int changes() const override { return changes_; }
  void begin() override { exec("BEGIN"); }
  void commit() override { exec("COMMIT"); }
  void rollback() noexcept override;
  void lockSchema() override;
  int schemaVersion() override;
  void setSchemaVersion(int version) override;
  std::string migrationSql(std::string_view ddl) const override;
  void checkpoint() override {}  // the server's own business
  const char* engine() const override { return "postgresql"; }

  // For statements: record what a command changed.
  void setChanges(int n) { changes_ = n; }
  PGconn* connection() const { return conn_.get(); }

 private:
  struct Closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Closer> conn_;
  int changes_ = 0;
};

}  // namespace rooms
