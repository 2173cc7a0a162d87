#pragma once
// What Database and Statement need of an SQL engine. Two implement it: SqliteDriver (one node's file, the
// default) and PostgresDriver (a server several nodes share, ROOMS_DATABASE_URL). The store's classes see
// only Database and Statement, so one store serves both.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace rooms {

class StatementDriver {
 public:
  virtual ~StatementDriver() = default;
  // Parameters are numbered from 1, as in the SQL's "?N".
  virtual void bindInt(int i, int64_t v) = 0;
  virtual void bindDouble(int i, double v) = 0;
  virtual void bindText(int i, std::string_view v) = 0;
  virtual void bindNull(int i) = 0;
  // Runs the statement on the first call after a reset, then moves to the next row; true while there is one.
  virtual bool step() = 0;
  // Forgets the result and the bindings.
  virtual void reset() = 0;
  virtual int64_t getInt(int col) const = 0;
  virtual double getDouble(int col) const = 0;
  virtual std::string getText(int col) const = 0;
  virtual bool isNull(int col) const = 0;
};

class DatabaseDriver {
 public:
  virtual ~DatabaseDriver() = default;
  // One or more statements without parameters or results.
  virtual void exec(const std::string& sql) = 0;
  virtual std::unique_ptr<StatementDriver> prepare(const std::string& sql) = 0;
  // Rows the last INSERT, UPDATE or DELETE changed.
  virtual int changes() const = 0;
  // A write transaction: SQLite's BEGIN IMMEDIATE (the one writer, at once), PostgreSQL's BEGIN.
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() noexcept = 0;

  // The schema history's bookkeeping, inside a transaction: lockSchema keeps other processes out until it
  // ends (nodes starting together), schemaVersion is how many migrations this database has had.
  virtual void lockSchema() = 0;
  virtual int schemaVersion() = 0;
  virtual void setSchemaVersion(int version) = 0;
  // A migration of the history (SQLite DDL) as this engine runs it.
  virtual std::string migrationSql(std::string_view ddl) const = 0;
  // Housekeeping at a clean shutdown (SQLite folds its write-ahead log back into the file).
  virtual void checkpoint() = 0;
  // "sqlite" or "postgresql", for the log and /health.
  virtual const char* engine() const = 0;
};

}  // namespace rooms
