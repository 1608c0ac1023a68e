#include "store/sqlite/sqlite_transaction.hpp"

#include <algorithm>
#include <limits>

#include "core/clock.hpp"
#include "store/sqlite/statement.hpp"

namespace revaer::sqlite {

std::int64_t SqliteTransaction::revision() {
  Statement query(db_, "SELECT revision FROM settings_revision WHERE id = 1");
  if (!query.step()) {
    throw StoreError("sqlite: settings_revision row is missing");
  }
  return query.integer(0);
}

std::int64_t SqliteTransaction::bump_revision(
    const std::vector<std::string>& sections, const std::string& actor) {
  const std::int64_t next = revision() + 1;
  Statement update(db_, "UPDATE settings_revision SET revision = ? WHERE id = 1");
  update.bind(1, next).run();

  Statement history(db_,
                    "INSERT INTO settings_history (revision, sections, actor, "
                    "at_ms) VALUES (?, ?, ?, ?)");
  history.bind(1, next)
      .bind(2, nlohmann::json(sections).dump())
      .bind(3, actor)
      .bind(4, now_unix_ms())
      .run();
  return next;
}

std::vector<HistoryEntry> SqliteTransaction::history(
    std::int64_t after_revision, std::size_t limit) {
  Statement query(db_,
                  "SELECT revision, sections, actor, at_ms FROM "
                  "settings_history WHERE revision > ? ORDER BY revision "
                  "LIMIT ?");
  const auto max_rows = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  query.bind(1, after_revision).bind(2, max_rows);
  std::vector<HistoryEntry> entries;
  while (query.step()) {
    HistoryEntry entry;
    entry.revision = query.integer(0);
    entry.sections = nlohmann::json::parse(query.text(1))
                         .get<std::vector<std::string>>();
    entry.actor = query.text(2);
    entry.at_ms = query.integer(3);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<nlohmann::json> SqliteTransaction::document(
    std::string_view name) {
  Statement query(db_, "SELECT body FROM settings_documents WHERE name = ?");
  query.bind(1, name);
  if (!query.step()) {
    return std::nullopt;
  }
  return nlohmann::json::parse(query.text(0));
}

void SqliteTransaction::put_document(std::string_view name,
                                     const nlohmann::json& value) {
  Statement upsert(db_,
                   "INSERT INTO settings_documents (name, body) VALUES (?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET body = excluded.body");
  upsert.bind(1, name).bind(2, value.dump()).run();
}

std::vector<ApiKeyRecord> SqliteTransaction::api_keys() {
  Statement query(db_,
                  "SELECT key_id, label, secret_sha256, scope, enabled, "
                  "rate_limit, created_at_ms FROM api_keys ORDER BY key_id");
  std::vector<ApiKeyRecord> keys;
  while (query.step()) {
    ApiKeyRecord key;
    key.key_id = query.text(0);
    key.label = query.text(1);
    key.secret_sha256 = query.text(2);
    key.scope = query.text(3);
    key.enabled = query.integer(4) != 0;
    const auto rate_limit = query.optional_text(5);
    key.rate_limit = rate_limit ? nlohmann::json::parse(*rate_limit)
                                : nlohmann::json(nullptr);
    key.created_at_ms = query.integer(6);
    keys.push_back(std::move(key));
  }
  return keys;
}

void SqliteTransaction::put_api_key(const ApiKeyRecord& key) {
  Statement upsert(
      db_,
      "INSERT INTO api_keys (key_id, label, secret_sha256, scope, enabled, "
      "rate_limit, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (key_id) DO UPDATE SET label = excluded.label, "
      "secret_sha256 = excluded.secret_sha256, scope = excluded.scope, "
      "enabled = excluded.enabled, rate_limit = excluded.rate_limit");
  upsert.bind(1, key.key_id)
      .bind(2, key.label)
      .bind(3, key.secret_sha256)
      .bind(4, key.scope)
      .bind(5, std::int64_t{key.enabled ? 1 : 0});
  if (key.rate_limit.is_null()) {
    upsert.bind_null(6);
  } else {
    upsert.bind(6, key.rate_limit.dump());
  }
  upsert.bind(7, key.created_at_ms).run();
}

void SqliteTransaction::delete_api_key(std::string_view key_id) {
  Statement remove(db_, "DELETE FROM api_keys WHERE key_id = ?");
  remove.bind(1, key_id).run();
}

std::optional<std::string> SqliteTransaction::secret(std::string_view name) {
  Statement query(db_, "SELECT value FROM secrets WHERE name = ?");
  query.bind(1, name);
  if (!query.step()) {
    return std::nullopt;
  }
  return query.text(0);
}

void SqliteTransaction::put_secret(std::string_view name,
                                   std::string_view value) {
  Statement upsert(db_,
                   "INSERT INTO secrets (name, value) VALUES (?, ?) "
                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
  upsert.bind(1, name).bind(2, value).run();
}

void SqliteTransaction::delete_secret(std::string_view name) {
  Statement remove(db_, "DELETE FROM secrets WHERE name = ?");
  remove.bind(1, name).run();
}

std::optional<SetupTokenRecord> SqliteTransaction::setup_token(
    std::string_view token_sha256) {
  Statement query(db_,
                  "SELECT token_sha256, issued_by, issued_at_ms, "
                  "expires_at_ms, consumed_at_ms FROM setup_tokens "
                  "WHERE token_sha256 = ?");
  query.bind(1, token_sha256);
  if (!query.step()) {
    return std::nullopt;
  }
  SetupTokenRecord token;
  token.token_sha256 = query.text(0);
  token.issued_by = query.text(1);
  token.issued_at_ms = query.integer(2);
  token.expires_at_ms = query.integer(3);
  token.consumed_at_ms = query.optional_integer(4);
  return token;
}

void SqliteTransaction::replace_setup_token(const SetupTokenRecord& token) {
  exec(db_, "DELETE FROM setup_tokens WHERE consumed_at_ms IS NULL");
  Statement insert(db_,
                   "INSERT INTO setup_tokens (token_sha256, issued_by, "
                   "issued_at_ms, expires_at_ms, consumed_at_ms) "
                   "VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, token.token_sha256)
      .bind(2, token.issued_by)
      .bind(3, token.issued_at_ms)
      .bind(4, token.expires_at_ms)
      .bind_optional(5, token.consumed_at_ms)
      .run();
}

void SqliteTransaction::consume_setup_token(std::string_view token_sha256,
                                            std::int64_t at_ms) {
  Statement update(db_,
                   "UPDATE setup_tokens SET consumed_at_ms = ? "
                   "WHERE token_sha256 = ?");
  update.bind(1, at_ms).bind(2, token_sha256).run();
}

std::int64_t SqliteTransaction::reserve_event_ids(std::int64_t count) {
  if (count <= 0) {
    throw StoreError("sqlite: event id reservations must be positive");
  }
  Statement query(db_, "SELECT next_id FROM event_ids WHERE id = 1");
  if (!query.step()) {
    throw StoreError("sqlite: event_ids row is missing");
  }
  const std::int64_t first = query.integer(0);
  Statement update(db_, "UPDATE event_ids SET next_id = ? WHERE id = 1");
  update.bind(1, first + count).run();
  return first;
}

}  // namespace revaer::sqlite
