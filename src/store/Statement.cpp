#include "store/Statement.h"

#include "store/Database.h"

namespace rooms {

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
    throw StoreError(std::string("prepare failed: ") + sqlite3_errmsg(db) + " in: " + sql);
  }
  stmt_.reset(raw);
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  needsReset_ = false;
}

Statement& Statement::bind(int i, int64_t v) {
  if (needsReset_) reset();
  sqlite3_bind_int64(stmt_.get(), i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (needsReset_) reset();
  sqlite3_bind_double(stmt_.get(), i, v);
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  if (needsReset_) reset();
  sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind(int i, std::optional<int64_t> v) {
  return v ? bind(i, *v) : bindNull(i);
}
Statement& Statement::bindNull(int i) {
  if (needsReset_) reset();
  sqlite3_bind_null(stmt_.get(), i);
  return *this;
}

bool Statement::step() {
  needsReset_ = true;
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_.get());
  throw StoreError("sql step failed: " + msg);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

int64_t Statement::getInt(int col) const {
  return sqlite3_column_int64(stmt_.get(), col);
}
double Statement::getDouble(int col) const {
  return sqlite3_column_double(stmt_.get(), col);
}
std::string Statement::getText(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col))) : std::string();
}
bool Statement::isNull(int col) const {
  return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL;
}
std::optional<int64_t> Statement::getOptInt(int col) const {
  if (isNull(col)) return std::nullopt;
  return getInt(col);
}
std::optional<std::string> Statement::getOptText(int col) const {
  if (isNull(col)) return std::nullopt;
  return getText(col);
}

}  // namespace rooms
