#pragma once
// A connection to the store's database: SQLite (one node's file, the default) or PostgreSQL (shared by
// several nodes, ROOMS_DATABASE_URL), behind one interface so the store's classes are written once. Each
// thread that touches the database opens its own Database.
#include <memory>
#include <stdexcept>
#include <string>

#include "store/DatabaseDriver.h"
#include "store/Statement.h"

namespace rooms {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  // Opens (creating) the SQLite file at path. synchronous is "NORMAL" (durable across process crashes) or
  // "FULL" (also across power loss).
  Database(const std::string& path, const std::string& synchronous);
  explicit Database(std::unique_ptr<DatabaseDriver> driver);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // location: a PostgreSQL URL ("postgresql://..." or "postgres://...") or a SQLite file's path.
  static std::unique_ptr<Database> open(const std::string& location, const std::string& synchronous);
  static bool isPostgresUrl(const std::string& location);

  void exec(const std::string& sql) { driver_->exec(sql); }
  Statement prepare(const std::string& sql) { return Statement(driver_->prepare(sql)); }
  int changes() const { return driver_->changes(); }
  DatabaseDriver& driver() { return *driver_; }
  const char* engine() const { return driver_->engine(); }

  // RAII write transaction: begun on construction, rolled back on destruction unless commit() was called.
  class Transaction {
   public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    void commit();

   private:
    Database& db_;
    bool done_ = false;
  };
  Transaction transaction() { return Transaction(*this); }

 private:
  std::unique_ptr<DatabaseDriver> driver_;
};

}  // namespace rooms
