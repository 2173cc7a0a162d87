#include "store/PostgresDriver.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "store/Database.h"
#include "store/SqlDialect.h"

namespace rooms {
namespace {

struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultClear>;

// The server's message, one line (libpq ends it with a newline).
std::string errorOf(PGconn* conn, const PGresult* result) {
  std::string msg = result ? PQresultErrorMessage(result) : "";
  if (msg.empty()) {
    msg = PQerrorMessage(conn);
  }
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) {
    msg.pop_back();
  }
  return msg.empty() ? "unknown error" : msg;
}

// Runs and checks. A connection found broken (the server restarted since the last statement) is reset
// first; one that breaks during the statement fails it, since whether the server ran it is unknown, and the
// next statement reconnects.
Result run(PGconn* conn, const std::string& sql, const std::vector<const char*>* params,
           const std::string& what) {
  if (PQstatus(conn) == CONNECTION_BAD) {
    PQreset(conn);
  }
  Result r(params ? PQexecParams(conn, sql.c_str(), static_cast<int>(params->size()), nullptr, params->data(),
                                 nullptr, nullptr, 0)
                  : PQexec(conn, sql.c_str()));
  const ExecStatusType status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return r;
  }
  throw StoreError(what + ": " + errorOf(conn, r.get()) + " in: " + sql);
}

class PostgresStatement : public StatementDriver {
 public:
  PostgresStatement(PostgresDriver& owner, std::string sql) : owner_(owner), sql_(std::move(sql)) {}

  void bindInt(int i, int64_t v) override { slot(i) = std::to_string(v); }
  void bindDouble(int i, double v) override {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    slot(i) = text;
  }
  void bindText(int i, std::string_view v) override { slot(i) = std::string(v); }
  void bindNull(int i) override { slot(i).reset(); }

  bool step() override {
    if (!result_) {
      std::vector<const char*> values;
      values.reserve(params_.size());
      for (const auto& p : params_) {
        values.push_back(p ? p->c_str() : nullptr);
      }
      result_ = run(owner_.connection(), sql_, &values, "sql step failed");
      const char* tuples = PQcmdTuples(result_.get());
      owner_.setChanges(tuples && *tuples ? std::atoi(tuples) : 0);
      row_ = 0;
    } else {
      ++row_;
    }
    return row_ < PQntuples(result_.get());
  }
  void reset() override {
    result_.reset();
    params_.clear();
    row_ = -1;
  }

  int64_t getInt(int col) const override {
    return isNull(col) ? 0 : std::strtoll(PQgetvalue(result_.get(), row_, col), nullptr, 10);
  }
  double getDouble(int col) const override {
    return isNull(col) ? 0 : std::strtod(PQgetvalue(result_.get(), row_, col), nullptr);
  }
  std::string getText(int col) const override {
    if (isNull(col)) {
      return {};
    }
    return std::string(PQgetvalue(result_.get(), row_, col),
                       static_cast<size_t>(PQgetlength(result_.get(), row_, col)));
  }
  bool isNull(int col) const override {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get()) || col >= PQnfields(result_.get())) {
      throw StoreError("no such row or column " + std::to_string(col) + " in: " + sql_);
    }
    return PQgetisnull(result_.get(), row_, col) != 0;
  }

 private:
  std::optional<std::string>& slot(int i) {
    if (i < 1 || i > 64) {
      throw StoreError("parameter " + std::to_string(i) + " out of range in: " + sql_);
    }
    if (params_.size() < static_cast<size_t>(i)) {
      params_.resize(static_cast<size_t>(i));
    }
    return params_[static_cast<size_t>(i - 1)];
  }

  PostgresDriver& owner_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  Result result_;
  int row_ = -1;
};

}  // namespace

PostgresDriver::PostgresDriver(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    // The message may quote the URL's host and user but never its password.
    throw StoreError("cannot connect to PostgreSQL: " + errorOf(conn_.get(), nullptr));
  }
  // CREATE ... IF NOT EXISTS and the like say so as notices, which libpq would print on stderr.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
  exec("SET client_min_messages = warning");
}

void PostgresDriver::exec(const std::string& sql) {
  Result r = run(conn_.get(), sql, nullptr, "sql error");
  const char* tuples = PQcmdTuples(r.get());
  changes_ = tuples && *tuples ? std::atoi(tuples) : 0;
}

std::unique_ptr<StatementDriver> PostgresDriver::prepare(const std::string& sql) {
  return std::make_unique<PostgresStatement>(*this, postgresPlaceholders(sql));
}

void PostgresDriver::rollback() noexcept {
  Result r(PQexec(conn_.get(), "ROLLBACK"));
}

void PostgresDriver::lockSchema() {
  // Any constant will do, as long as every roomsd uses the same one: "rooms" in ASCII.
  exec("SELECT pg_advisory_xact_lock(1919905645)");
  exec("CREATE TABLE IF NOT EXISTS rooms_schema (version INTEGER NOT NULL)");
}

int PostgresDriver::schemaVersion() {
  PostgresStatement st(*this, "SELECT MAX(version) FROM rooms_schema");
  st.step();
  return static_cast<int>(st.getInt(0));
}

void PostgresDriver::setSchemaVersion(int version) {
  exec("DELETE FROM rooms_schema");
  exec("INSERT INTO rooms_schema (version) VALUES (" + std::to_string(version) + ")");
}

std::string PostgresDriver::migrationSql(std::string_view ddl) const {
  return postgresSchema(ddl);
}

}  // namespace rooms
