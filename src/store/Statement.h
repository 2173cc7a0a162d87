#pragma once
// A prepared statement with typed binding and reading, whatever the engine (DatabaseDriver). Binding after a
// run starts a new run, so a Statement kept by a store is reused.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/DatabaseDriver.h"

namespace rooms {

class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementDriver> driver) : driver_(std::move(driver)) {}

  // Binds start at 1, as in SQL's "?N". nullopt binds NULL.
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

  int64_t getInt(int col) const { return driver_->getInt(col); }
  double getDouble(int col) const { return driver_->getDouble(col); }
  std::string getText(int col) const { return driver_->getText(col); }
  std::optional<int64_t> getOptInt(int col) const;
  std::optional<std::string> getOptText(int col) const;
  bool isNull(int col) const { return driver_->isNull(col); }

 private:
  void beforeBind() {
    if (needsReset_) reset();
  }
  std::unique_ptr<StatementDriver> driver_;
  bool needsReset_ = false;
};

}  // namespace rooms
