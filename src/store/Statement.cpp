#include "store/Statement.h"

namespace rooms {

void Statement::reset() {
  driver_->reset();
  needsReset_ = false;
}

Statement& Statement::bind(int i, int64_t v) {
  beforeBind();
  driver_->bindInt(i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  beforeBind();
  driver_->bindDouble(i, v);
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  beforeBind();
  driver_->bindText(i, v);
  return *this;
}
Statement& Statement::bind(int i, std::optional<int64_t> v) {
  return v ? bind(i, *v) : bindNull(i);
}
Statement& Statement::bindNull(int i) {
  beforeBind();
  driver_->bindNull(i);
  return *this;
}

bool Statement::step() {
  needsReset_ = true;
  return driver_->step();
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

std::optional<int64_t> Statement::getOptInt(int col) const {
  if (isNull(col)) {
    return std::nullopt;
  }
  return getInt(col);
}
std::optional<std::string> Statement::getOptText(int col) const {
  if (isNull(col)) {
    return std::nullopt;
  }
  return getText(col);
}

}  // namespace rooms
