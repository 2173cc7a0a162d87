#include "store/SoleWriter.h"

#include <chrono>
#include <string_view>
#include <thread>

namespace rooms {

void claimSoleWriter(Database& db) {
  if (std::string_view(db.engine()) != "postgresql") {
    return;
  }
  // Another key than the schema lock's: this one is held for the connection's life, not a transaction's.
  // A roomsd killed a moment ago holds it until the server sees its connection close, so a restart tries
  // for a few seconds before it takes the holder for a live node.
  constexpr int kAttempts = 30;
  auto st = db.prepare("SELECT pg_try_advisory_lock(1919905646)");
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    if (attempt > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (st.step() && st.getText(0) == "t") {
      return;
    }
    st.reset();
  }
  throw StoreError(
      "another roomsd already uses this PostgreSQL database; several nodes on one database need cluster "
      "mode, which is not built yet (docs/cluster.md)");
}

}  // namespace rooms
