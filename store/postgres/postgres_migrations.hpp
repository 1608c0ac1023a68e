#pragma once

#include <cstdint>
#include <span>

namespace revaer::postgres {

class PgConnection;

// One numbered schema change. Versions start at 1 and have no gaps.
struct Migration {
  std::int64_t version;
  const char* name;
  const char* sql;
};

// The schema of the PostgreSQL store, oldest first.
std::span<const Migration> schema_migrations();

// Applies every migration newer than the database's schema version, each in
// its own transaction, while holding an advisory lock so that daemons
// starting together do not migrate twice. A failing migration is rolled
// back whole and StoreError names it; earlier ones stay applied.
void migrate(PgConnection& connection,
             std::span<const Migration> migrations = schema_migrations());

}  // namespace revaer::postgres
