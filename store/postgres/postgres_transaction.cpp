#include "store/postgres/postgres_transaction.hpp"

#include <algorithm>
#include <limits>

#include "core/clock.hpp"
#include "store/postgres/pg_connection.hpp"

namespace revaer::postgres {

using Json = nlohmann::json;

std::int64_t PostgresTransaction::revision() {
  const PgResult result = connection_.exec(
      "SELECT revision FROM settings_revision WHERE id = 1");
  if (result.rows() != 1) {
    throw StoreError("postgres: settings_revision row is missing");
  }
  return result.integer(0, 0);
}

std::int64_t PostgresTransaction::bump_revision(
    const std::vector<std::string>& sections, const std::string& actor) {
  const PgResult updated = connection_.exec(
      "UPDATE settings_revision SET revision = revision + 1 WHERE id = 1 "
      "RETURNING revision");
  if (updated.rows() != 1) {
    throw StoreError("postgres: settings_revision row is missing");
  }
  const std::int64_t next = updated.integer(0, 0);

  connection_.exec(
      "INSERT INTO settings_history (revision, sections, actor, at_ms) "
      "VALUES ($1, $2::jsonb, $3, $4)",
      {PgParam::integer(next), PgParam::text(Json(sections).dump()),
       PgParam::text(actor), PgParam::integer(now_unix_ms())});
  connection_.exec("SELECT pg_notify($1, $2)",
                   {PgParam::text(kConfigChannel),
                    PgParam::text(std::to_string(next))});
  return next;
}

std::vector<HistoryEntry> PostgresTransaction::history(
    std::int64_t after_revision, std::size_t limit) {
  const auto max_rows = static_cast<std::int64_t>(
      std::min<std::size_t>(limit, std::numeric_limits<std::int64_t>::max()));
  const PgResult result = connection_.exec(
      "SELECT revision, sections::text, actor, at_ms FROM settings_history "
      "WHERE revision > $1 ORDER BY revision LIMIT $2",
      {PgParam::integer(after_revision), PgParam::integer(max_rows)});
  std::vector<HistoryEntry> entries;
  for (int row = 0; row < result.rows(); ++row) {
    HistoryEntry entry;
    entry.revision = result.integer(row, 0);
    entry.sections =
        Json::parse(result.text(row, 1)).get<std::vector<std::string>>();
    entry.actor = result.text(row, 2);
    entry.at_ms = result.integer(row, 3);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::optional<Json> PostgresTransaction::document(std::string_view name) {
  const PgResult result = connection_.exec(
      "SELECT body::text FROM settings_documents WHERE name = $1",
      {PgParam::text(name)});
  if (result.rows() == 0) {
    return std::nullopt;
  }
  return Json::parse(result.text(0, 0));
}

void PostgresTransaction::put_document(std::string_view name,
                                       const Json& value) {
  connection_.exec(
      "INSERT INTO settings_documents (name, body) VALUES ($1, $2::jsonb) "
      "ON CONFLICT (name) DO UPDATE SET body = excluded.body",
      {PgParam::text(name), PgParam::text(value.dump())});
}

std::vector<ApiKeyRecord> PostgresTransaction::api_keys() {
  const PgResult result = connection_.exec(
      "SELECT key_id, label, secret_sha256, scope, enabled, rate_limit::text, "
      "created_at_ms FROM api_keys ORDER BY key_id");
  std::vector<ApiKeyRecord> keys;
  for (int row = 0; row < result.rows(); ++row) {
    ApiKeyRecord key;
    key.key_id = result.text(row, 0);
    key.label = result.text(row, 1);
    key.secret_sha256 = result.text(row, 2);
    key.scope = result.text(row, 3);
    key.enabled = result.boolean(row, 4);
    const auto rate_limit = result.optional_text(row, 5);
    key.rate_limit = rate_limit ? Json::parse(*rate_limit) : Json(nullptr);
    key.created_at_ms = result.integer(row, 6);
    keys.push_back(std::move(key));
  }
  return keys;
}

void PostgresTransaction::put_api_key(const ApiKeyRecord& key) {
  const PgParam rate_limit = key.rate_limit.is_null()
                                 ? PgParam::null()
                                 : PgParam::text(key.rate_limit.dump());
  connection_.exec(
      "INSERT INTO api_keys (key_id, label, secret_sha256, scope, enabled, "
      "rate_limit, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) "
      "ON CONFLICT (key_id) DO UPDATE SET label = excluded.label, "
      "secret_sha256 = excluded.secret_sha256, scope = excluded.scope, "
      "enabled = excluded.enabled, rate_limit = excluded.rate_limit",
      {PgParam::text(key.key_id), PgParam::text(key.label),
       PgParam::text(key.secret_sha256), PgParam::text(key.scope),
       PgParam::boolean(key.enabled), rate_limit,
       PgParam::integer(key.created_at_ms)});
}

void PostgresTransaction::delete_api_key(std::string_view key_id) {
  connection_.exec("DELETE FROM api_keys WHERE key_id = $1",
                   {PgParam::text(key_id)});
}

std::optional<std::string> PostgresTransaction::secret(std::string_view name) {
  const PgResult result = connection_.exec(
      "SELECT value FROM secrets WHERE name = $1", {PgParam::text(name)});
  if (result.rows() == 0) {
    return std::nullopt;
  }
  return result.text(0, 0);
}

void PostgresTransaction::put_secret(std::string_view name,
                                     std::string_view value) {
  connection_.exec(
      "INSERT INTO secrets (name, value) VALUES ($1, $2) "
      "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
      {PgParam::text(name), PgParam::text(value)});
}

void PostgresTransaction::delete_secret(std::string_view name) {
  connection_.exec("DELETE FROM secrets WHERE name = $1",
                   {PgParam::text(name)});
}

std::optional<SetupTokenRecord> PostgresTransaction::setup_token(
    std::string_view token_sha256) {
  const PgResult result = connection_.exec(
      "SELECT token_sha256, issued_by, issued_at_ms, expires_at_ms, "
      "consumed_at_ms FROM setup_tokens WHERE token_sha256 = $1",
      {PgParam::text(token_sha256)});
  if (result.rows() == 0) {
    return std::nullopt;
  }
  SetupTokenRecord token;
  token.token_sha256 = result.text(0, 0);
  token.issued_by = result.text(0, 1);
  token.issued_at_ms = result.integer(0, 2);
  token.expires_at_ms = result.integer(0, 3);
  token.consumed_at_ms = result.optional_integer(0, 4);
  return token;
}

void PostgresTransaction::replace_setup_token(const SetupTokenRecord& token) {
  connection_.exec("DELETE FROM setup_tokens WHERE consumed_at_ms IS NULL");
  connection_.exec(
      "INSERT INTO setup_tokens (token_sha256, issued_by, issued_at_ms, "
      "expires_at_ms, consumed_at_ms) VALUES ($1, $2, $3, $4, $5)",
      {PgParam::text(token.token_sha256), PgParam::text(token.issued_by),
       PgParam::integer(token.issued_at_ms),
       PgParam::integer(token.expires_at_ms),
       PgParam::optional_integer(token.consumed_at_ms)});
}

void PostgresTransaction::consume_setup_token(std::string_view token_sha256,
                                              std::int64_t at_ms) {
  connection_.exec(
      "UPDATE setup_tokens SET consumed_at_ms = $1 WHERE token_sha256 = $2",
      {PgParam::integer(at_ms), PgParam::text(token_sha256)});
}

std::int64_t PostgresTransaction::reserve_event_ids(std::int64_t count) {
  if (count <= 0) {
    throw StoreError("postgres: event id reservations must be positive");
  }
  const PgResult result = connection_.exec(
      "UPDATE event_ids SET next_id = next_id + $1 WHERE id = 1 "
      "RETURNING next_id - $1",
      {PgParam::integer(count)});
  if (result.rows() != 1) {
    throw StoreError("postgres: event_ids row is missing");
  }
  return result.integer(0, 0);
}

}  // namespace revaer::postgres
