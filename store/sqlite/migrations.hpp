#pragma once

#include <cstdint>

struct sqlite3;

namespace revaer::sqlite {

// Applies every numbered migration newer than the database's
// schema version, each in its own transaction. Throws StoreError.
void migrate(sqlite3* db);

// Applies the migrations up to and including `target_version` only, so
// that tests can build a database as an older release left it.
void migrate_to(sqlite3* db, std::int64_t target_version);

}  // namespace revaer::sqlite
