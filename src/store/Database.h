#pragma once
// One SQLite connection in WAL mode. Each thread that touches the database opens its own Database on the
// same file; WAL lets the readers run beside the single writer, and busy_timeout absorbs the short waits.
#include <sqlite3.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "store/Statement.h"

namespace rooms {

class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Database {
 public:
  // Opens (creating) path. synchronous is "NORMAL" (durable across process crashes) or "FULL" (also across
  // power loss).
  Database(const std::string& path, const std::string& synchronous);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  void exec(const std::string& sql);
  Statement prepare(const std::string& sql);
  int64_t lastInsertRowId() const;
  int changes() const;
  sqlite3* handle() const { return db_.get(); }

  // RAII transaction: BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless commit() was called.
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
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace rooms
