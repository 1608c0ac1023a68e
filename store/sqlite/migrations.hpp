#pragma once

struct sqlite3;

namespace revaer::sqlite {

// Applies every numbered migration newer than the database's
// schema version, each in its own transaction. Throws StoreError.
void migrate(sqlite3* db);

}  // namespace revaer::sqlite
