#include "config/config_service.hpp"

#include <spdlog/spdlog.h>

#include "config/changeset.hpp"
#include "config/settings_schema.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/request_scope.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

constexpr std::int64_t kDefaultSetupTtlSeconds = 15 * 60;
constexpr std::int64_t kMaxSetupTtlSeconds = 24 * 60 * 60;
constexpr std::size_t kSetupTokenBytes = 32;  // 256 random bits

Problem invalid_changeset(std::vector<InvalidParam> params) {
  return Problem::unprocessable("the changeset is invalid; nothing was applied",
                                std::move(params));
}

Problem stale_revision(std::int64_t expected, std::int64_t actual) {
  Problem problem;
  problem.status = 412;
  problem.type = "precondition-failed";
  problem.title = "Precondition failed";
  problem.detail = "If-Match names revision " + std::to_string(expected) +
                   ", but the configuration is at revision " +
                   std::to_string(actual) +
                   "; nothing was applied. Read it again and retry.";
  problem.extensions = {{"revision", actual}};
  return problem;
}

}  // namespace

bool ConfigSnapshot::is_active() const {
  return app_profile.value("mode", "setup") == "active";
}

Json ConfigSnapshot::to_public_json() const {
  Json keys = Json::array();
  for (const ApiKeyRecord& key : api_keys) {
    keys.push_back({{"key_id", key.key_id},
                    {"label", key.label},
                    {"enabled", key.enabled},
                    {"scope", key.scope},
                    {"rate_limit", key.rate_limit}});
  }
  return {{"revision", revision},
          {"app_profile", app_profile},
          {"engine_profile", engine_profile},
          {"fs_policy", fs_policy},
          {"api_keys", keys}};
}

ConfigService::ConfigService(Store& store, ConfigDefaults defaults)
    : store_(store), defaults_(std::move(defaults)) {}

void ConfigService::load() {
  std::lock_guard lock(commit_mutex_);
  std::shared_ptr<const ConfigSnapshot> loaded;
  store_.transact([&](StoreTransaction& tx) {
    std::vector<std::string> created;
    for (const std::string_view name : kSettingsDocuments) {
      if (!tx.document(name)) {
        tx.put_document(name, default_document(name, defaults_));
        created.emplace_back(name);
      }
    }
    if (!created.empty()) {
      tx.bump_revision(created, "defaults");
    }
    loaded = read_snapshot(tx);
  });
  set_current(loaded);
  spdlog::info("config: loaded revision {} in {} mode", loaded->revision,
               loaded->is_active() ? "active" : "setup");
}

std::shared_ptr<const ConfigSnapshot> ConfigService::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return current_;
}

void ConfigService::set_current(std::shared_ptr<const ConfigSnapshot> next) {
  std::lock_guard lock(snapshot_mutex_);
  current_ = std::move(next);
}

std::shared_ptr<const ConfigSnapshot> ConfigService::read_snapshot(
    StoreTransaction& tx) {
  auto next = std::make_shared<ConfigSnapshot>();
  next->revision = tx.revision();
  const auto commit = tx.history(next->revision - 1, 1);
  if (!commit.empty() && commit.front().revision == next->revision) {
    next->committed_at_ms = commit.front().at_ms;
  }
  next->app_profile = tx.document("app_profile").value_or(Json::object());
  next->engine_profile = tx.document("engine_profile").value_or(Json::object());
  next->fs_policy = tx.document("fs_policy").value_or(Json::object());
  next->api_keys = tx.api_keys();
  return next;
}

bool ConfigService::reload() {
  std::lock_guard lock(commit_mutex_);
  const std::int64_t known = snapshot()->revision;
  std::shared_ptr<const ConfigSnapshot> next;
  store_.transact([&](StoreTransaction& tx) {
    if (tx.revision() != known) {
      next = read_snapshot(tx);
    }
  });
  if (!next) {
    return false;
  }
  set_current(next);
  spdlog::info("config: loaded revision {} from the store (was {})",
               next->revision, known);
  return true;
}

std::vector<HistoryEntry> ConfigService::history(std::int64_t after_revision,
                                                 std::size_t limit) {
  std::vector<HistoryEntry> entries;
  store_.transact([&](StoreTransaction& tx) {
    entries = tx.history(after_revision, limit);
  });
  return entries;
}

void ConfigService::set_commit_hook(CommitHook hook) {
  std::lock_guard lock(hook_mutex_);
  commit_hook_ = std::move(hook);
}

void ConfigService::call_commit_hook(std::int64_t revision) {
  remember_request_id(revision);
  std::lock_guard lock(hook_mutex_);
  if (commit_hook_) {
    commit_hook_(revision);
  }
}

void ConfigService::remember_request_id(std::int64_t revision) {
  const std::string& request_id = current_request_id();
  if (request_id.empty()) {
    return;
  }
  std::lock_guard lock(request_ids_mutex_);
  request_ids_[revision] = request_id;
  while (request_ids_.size() > kRememberedRequestIds) {
    request_ids_.erase(request_ids_.begin());
  }
}

std::string ConfigService::request_id_of(std::int64_t revision) const {
  std::lock_guard lock(request_ids_mutex_);
  const auto found = request_ids_.find(revision);
  return found == request_ids_.end() ? std::string() : found->second;
}

Result<SetupTicket> ConfigService::start_setup(
    const std::string& issued_by, std::optional<std::int64_t> ttl_seconds) {
  const std::int64_t ttl = ttl_seconds.value_or(kDefaultSetupTtlSeconds);
  if (ttl < 1 || ttl > kMaxSetupTtlSeconds) {
    return Problem::unprocessable(
        "ttl_seconds is out of range",
        {{"/ttl_seconds",
          "must be between 1 and " + std::to_string(kMaxSetupTtlSeconds)}});
  }
  std::lock_guard lock(commit_mutex_);
  SetupTicket ticket;
  ticket.token = random_hex(kSetupTokenBytes);
  SetupTokenRecord record;
  record.token_sha256 = sha256_hex(ticket.token);
  record.issued_by = issued_by;
  record.issued_at_ms = now_unix_ms();
  record.expires_at_ms = record.issued_at_ms + ttl * 1000;
  ticket.expires_at_ms = record.expires_at_ms;

  bool active = false;
  store_.transact([&](StoreTransaction& tx) {
    const auto app = tx.document("app_profile").value_or(Json::object());
    active = app.value("mode", "setup") == "active";
    if (!active) {
      tx.replace_setup_token(record);
    }
  });
  if (active) {
    return Problem::conflict("setup is already complete");
  }
  spdlog::info("config: setup token issued by '{}', expires in {} s",
               issued_by, ttl);
  return ticket;
}

Result<SetupCompletion> ConfigService::complete_setup(std::string_view token,
                                                      const Json& changeset) {
  std::lock_guard lock(commit_mutex_);
  std::optional<Problem> rejection;
  std::string credential;
  std::shared_ptr<const ConfigSnapshot> next;
  const std::string digest = sha256_hex(token);
  store_.transact([&](StoreTransaction& tx) {
    const auto state = read_snapshot(tx);
    next = state;
    if (state->is_active()) {
      rejection = Problem::conflict("setup is already complete");
      return;
    }
    const auto record = tx.setup_token(digest);
    const std::int64_t now = now_unix_ms();
    if (!record || now >= record->expires_at_ms) {
      rejection = Problem::unauthorized("the setup token is wrong or expired");
      return;
    }
    if (record->consumed_at_ms) {
      rejection = Problem::conflict("the setup token was already used");
      return;
    }
    if (auto problems = validate_changeset(changeset, *state);
        !problems.empty()) {
      rejection = invalid_changeset(std::move(problems));
      return;
    }
    std::vector<std::string> issued;
    write_changeset(tx, changeset, "setup", issued);
    const ApiKeyRecord key =
        issue_api_key(random_hex(8), "created by setup", "admin", credential);
    tx.put_api_key(key);
    Json app = tx.document("app_profile").value_or(Json::object());
    app["mode"] = "active";
    tx.put_document("app_profile", app);
    tx.bump_revision({"app_profile", "api_keys"}, "setup");
    tx.consume_setup_token(digest, now);
    next = read_snapshot(tx);
  });
  const std::int64_t previous = snapshot()->revision;
  set_current(next);
  if (next->revision != previous) {
    call_commit_hook(next->revision);
  }
  if (rejection) {
    return *rejection;
  }
  spdlog::info("config: setup complete at revision {}", next->revision);
  return SetupCompletion{next->to_public_json(), credential};
}

Result<Json> ConfigService::apply_changeset(
    const Json& changeset, const std::string& actor,
    std::optional<std::int64_t> expected_revision) {
  std::lock_guard lock(commit_mutex_);
  std::optional<Problem> rejection;
  std::vector<std::string> issued;
  std::shared_ptr<const ConfigSnapshot> next;
  store_.transact([&](StoreTransaction& tx) {
    const auto state = read_snapshot(tx);
    next = state;
    if (expected_revision && *expected_revision != state->revision) {
      rejection = stale_revision(*expected_revision, state->revision);
      return;
    }
    if (auto problems = validate_changeset(changeset, *state);
        !problems.empty()) {
      rejection = invalid_changeset(std::move(problems));
      return;
    }
    write_changeset(tx, changeset, actor, issued);
    next = read_snapshot(tx);
  });
  const std::int64_t previous = snapshot()->revision;
  set_current(next);
  if (next->revision != previous) {
    call_commit_hook(next->revision);
  }
  if (rejection) {
    return *rejection;
  }
  spdlog::info("config: revision {} committed by '{}'", next->revision, actor);
  Json body = next->to_public_json();
  if (!issued.empty()) {
    body["issued_api_keys"] = issued;
  }
  return body;
}

std::optional<AuthenticatedKey> ConfigService::authenticate(
    std::string_view credential) const {
  const auto colon = credential.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view key_id = credential.substr(0, colon);
  const std::string digest = sha256_hex(credential.substr(colon + 1));
  const auto current = snapshot();
  for (const ApiKeyRecord& key : current->api_keys) {
    if (key.enabled && key.key_id == key_id &&
        constant_time_equal(key.secret_sha256, digest)) {
      return AuthenticatedKey{key.key_id, key.scope};
    }
  }
  return std::nullopt;
}

}  // namespace revaer
