#include "store/SqliteDriver.h"

#include "store/Database.h"

namespace rooms {
namespace {

class SqliteStatement : public StatementDriver {
 public:
  SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("prepare failed: ") + sqlite3_errmsg(db) + " in: " + sql);
    }
    stmt_.reset(raw);
  }

  void bindInt(int i, int64_t v) override { sqlite3_bind_int64(stmt_.get(), i, v); }
  void bindDouble(int i, double v) override { sqlite3_bind_double(stmt_.get(), i, v); }
  void bindText(int i, std::string_view v) override {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void bindNull(int i) override { sqlite3_bind_null(stmt_.get(), i); }

  bool step() override {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_.get());
    throw StoreError("sql step failed: " + msg);
  }
  void reset() override {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  int64_t getInt(int col) const override { return sqlite3_column_int64(stmt_.get(), col); }
  double getDouble(int col) const override { return sqlite3_column_double(stmt_.get(), col); }
  std::string getText(int col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col))) : std::string();
  }
  bool isNull(int col) const override { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

}  // namespace

SqliteDriver::SqliteDriver(const std::string& path, const std::string& synchronous) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open database " + path + ": " +
                     (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(raw, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=" + synchronous);
  exec("PRAGMA foreign_keys=ON");
}

void SqliteDriver::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError("sql error: " + msg);
  }
}

std::unique_ptr<StatementDriver> SqliteDriver::prepare(const std::string& sql) {
  return std::make_unique<SqliteStatement>(db_.get(), sql);
}

int SqliteDriver::changes() const {
  return sqlite3_changes(db_.get());
}

void SqliteDriver::begin() {
  exec("BEGIN IMMEDIATE");
}
void SqliteDriver::commit() {
  exec("COMMIT");
}
void SqliteDriver::rollback() noexcept {
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

int SqliteDriver::schemaVersion() {
  SqliteStatement st(db_.get(), "PRAGMA user_version");
  st.step();
  return static_cast<int>(st.getInt(0));
}

void SqliteDriver::setSchemaVersion(int version) {
  exec("PRAGMA user_version=" + std::to_string(version));
}

void SqliteDriver::checkpoint() {
  exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace rooms
