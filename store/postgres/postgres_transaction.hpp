#pragma once

#include "store/store.hpp"

namespace revaer::postgres {

class PgConnection;

// Channel on which every settings commit is announced (NOTIFY), with the
// new revision as payload.
inline constexpr const char* kConfigChannel = "revaer_config";

// StoreTransaction over an open PostgreSQL transaction. The caller owns
// BEGIN and COMMIT; this class only issues the statements.
class PostgresTransaction final : public StoreTransaction {
 public:
  explicit PostgresTransaction(PgConnection& connection)
      : connection_(connection) {}

  std::int64_t revision() override;
  // Also sends NOTIFY on kConfigChannel, which PostgreSQL delivers to
  // listeners when the transaction commits.
  std::int64_t bump_revision(const std::vector<std::string>& sections,
                             const std::string& actor) override;
  std::vector<HistoryEntry> history(std::int64_t after_revision,
                                    std::size_t limit) override;

  std::optional<nlohmann::json> document(std::string_view name) override;
  void put_document(std::string_view name,
                    const nlohmann::json& value) override;

  std::vector<ApiKeyRecord> api_keys() override;
  void put_api_key(const ApiKeyRecord& key) override;
  void delete_api_key(std::string_view key_id) override;

  std::optional<std::string> secret(std::string_view name) override;
  void put_secret(std::string_view name, std::string_view value) override;
  void delete_secret(std::string_view name) override;

  std::optional<SetupTokenRecord> setup_token(
      std::string_view token_sha256) override;
  void replace_setup_token(const SetupTokenRecord& token) override;
  void consume_setup_token(std::string_view token_sha256,
                           std::int64_t at_ms) override;

  std::int64_t reserve_event_ids(std::int64_t count) override;

 private:
  PgConnection& connection_;
};

}  // namespace revaer::postgres
