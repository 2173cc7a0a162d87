#pragma once
// A prepared SQLite statement with typed binding and reading. Statements are reset on each bind cycle so
// a cached Statement can be reused.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rooms {

class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);

  // Binds start at 1, as in SQLite. nullopt binds NULL.
  Statement& bind(int i, int64_t v);
  Statement& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, std::optional<int64_t> v);
  Statement& bindNull(int i);

  // Advances; true while a row is available. Throws StoreError on failure.
  bool step();
  // Runs a statement that returns no rows, then resets it.
  void run();
  void reset();

  int64_t getInt(int col) const;
  double getDouble(int col) const;
  std::string getText(int col) const;
  std::optional<int64_t> getOptInt(int col) const;
  std::optional<std::string> getOptText(int col) const;
  bool isNull(int col) const;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  bool needsReset_ = false;
};

}  // namespace rooms
