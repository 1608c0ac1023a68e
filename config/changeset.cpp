#include "config/changeset.hpp"

#include <algorithm>
#include <cctype>

#include "config/settings_schema.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"

namespace revaer {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kSecretBytes = 24;  // 192 random bits
constexpr std::size_t kMaxKeyOperations = 64;

bool is_key_id(const Json& value) {
  if (!value.is_string()) {
    return false;
  }
  const auto& id = value.get_ref<const std::string&>();
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' ||
                  c == '_' || c == '.';
         });
}

void validate_rate_limit(const Json& value, const std::string& pointer,
                         std::vector<InvalidParam>& problems) {
  if (value.is_null()) {
    return;
  }
  // Bounds keep the bucket meaningful: a refill period of a day at most,
  // so Retry-After stays small, and of a millisecond at least, below which
  // a key would be unlimited in practice without counting as such.
  constexpr std::int64_t kMaxBurst = 1'000'000;
  constexpr double kMinPerSeconds = 0.001;
  constexpr double kMaxPerSeconds = 86'400;
  const bool valid = value.is_object() && value.size() == 2 &&
                     value.contains("burst") &&
                     value["burst"].is_number_integer() &&
                     value["burst"].get<std::int64_t>() > 0 &&
                     value["burst"].get<std::int64_t>() <= kMaxBurst &&
                     value.contains("per_seconds") &&
                     value["per_seconds"].is_number() &&
                     value["per_seconds"].get<double>() >= kMinPerSeconds &&
                     value["per_seconds"].get<double>() <= kMaxPerSeconds;
  if (!valid) {
    problems.push_back(
        {pointer,
         "must be null or {\"burst\": 1-1000000, \"per_seconds\": "
         "0.001-86400}"});
  }
}

void validate_key_operation(const Json& op, const std::string& pointer,
                            std::vector<InvalidParam>& problems) {
  if (!op.is_object()) {
    problems.push_back({pointer, "must be an object"});
    return;
  }
  static const std::vector<std::string> kKnown = {
      "op",    "key_id", "label",     "enabled",
      "scope", "secret", "rate_limit", "rotate"};
  for (const auto& [field, value] : op.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), field) == kKnown.end()) {
      problems.push_back(
          {pointer + "/" + escape_pointer_token(field), "unknown field"});
    }
  }
  const Json kind = op.value("op", Json());
  if (kind != "upsert" && kind != "delete") {
    problems.push_back({pointer + "/op", "must be upsert or delete"});
  }
  if (!is_key_id(op.value("key_id", Json()))) {
    problems.push_back(
        {pointer + "/key_id", "must be 1-64 characters of A-Z a-z 0-9 - _ ."});
  }
  if (op.contains("label") &&
      (!op["label"].is_string() || op["label"].get<std::string>().size() > 128)) {
    problems.push_back({pointer + "/label", "must be a string of at most 128 bytes"});
  }
  if (op.contains("enabled") && !op["enabled"].is_boolean()) {
    problems.push_back({pointer + "/enabled", "must be a boolean"});
  }
  if (op.contains("scope") && op["scope"] != "admin" &&
      op["scope"] != "read_only" && op["scope"] != "add_only") {
    problems.push_back({pointer + "/scope", "must be admin, read_only or add_only"});
  }
  if (op.contains("secret") &&
      (!op["secret"].is_string() || op["secret"].get<std::string>().size() < 32 ||
       op["secret"].get<std::string>().size() > 256)) {
    problems.push_back({pointer + "/secret", "must be a string of 32 to 256 bytes"});
  }
  if (op.contains("rate_limit")) {
    validate_rate_limit(op["rate_limit"], pointer + "/rate_limit", problems);
  }
  if (op.contains("rotate") && !op["rotate"].is_boolean()) {
    problems.push_back({pointer + "/rotate", "must be a boolean"});
  } else if (op.value("rotate", false) && op.contains("secret")) {
    problems.push_back(
        {pointer + "/rotate",
         "must not be combined with secret; send one or the other"});
  }
}

void validate_list(const Json& ops, const std::string& pointer,
                   std::vector<InvalidParam>& problems,
                   void (*validate_item)(const Json&, const std::string&,
                                         std::vector<InvalidParam>&)) {
  if (!ops.is_array() || ops.size() > kMaxKeyOperations) {
    problems.push_back({pointer, "must be an array of at most " +
                                     std::to_string(kMaxKeyOperations) +
                                     " operations"});
    return;
  }
  for (std::size_t i = 0; i < ops.size(); ++i) {
    validate_item(ops[i], pointer + "/" + std::to_string(i), problems);
  }
}

void validate_secret_operation(const Json& op, const std::string& pointer,
                               std::vector<InvalidParam>& problems) {
  if (!op.is_object()) {
    problems.push_back({pointer, "must be an object"});
    return;
  }
  const Json kind = op.value("op", Json());
  if (kind != "set" && kind != "delete") {
    problems.push_back({pointer + "/op", "must be set or delete"});
  }
  if (!is_key_id(op.value("name", Json()))) {
    problems.push_back(
        {pointer + "/name", "must be 1-64 characters of A-Z a-z 0-9 - _ ."});
  }
  if (kind == "set" && !op.value("value", Json()).is_string()) {
    problems.push_back({pointer + "/value", "must be a string"});
  }
}

// Returns true when `pointer` is `key` or lies below it.
bool is_under(const std::string& pointer, const std::string& key) {
  return pointer == key ||
         (pointer.size() > key.size() && pointer.compare(0, key.size(), key) == 0 &&
          pointer[key.size()] == '/');
}

// Returns the value at `pointer`, or null when there is none.
Json value_at(const Json& root, const std::string& pointer) {
  try {
    const Json::json_pointer path(pointer);
    return root.contains(path) ? root.at(path) : Json();
  } catch (const Json::exception&) {
    return Json();  // not a valid pointer, so it names no value
  }
}

void add_once(std::vector<InvalidParam>& problems, const std::string& pointer,
              const std::string& message) {
  for (const InvalidParam& problem : problems) {
    if (problem.pointer == pointer) {
      return;
    }
  }
  problems.push_back({pointer, message});
}

std::vector<std::string> immutable_keys(const ConfigSnapshot& current) {
  std::vector<std::string> keys;
  for (const Json& key :
       current.app_profile.value("immutable_keys", Json::array())) {
    if (key.is_string()) {
      keys.push_back(key.get<std::string>());
    }
  }
  return keys;
}

// Rejects every field write that would change a value at or below an
// immutable key. Writing the value a field already has is allowed, so a
// client may send back the document it read.
void check_immutable_fields(const Json& changeset, const ConfigSnapshot& current,
                            const std::vector<std::string>& keys,
                            std::vector<InvalidParam>& problems) {
  const Json before = {{"app_profile", current.app_profile},
                       {"engine_profile", current.engine_profile},
                       {"fs_policy", current.fs_policy}};
  Json after = before;
  for (const std::string_view name : kSettingsDocuments) {
    if (const auto patch = changeset.find(name); patch != changeset.end()) {
      merge_document(after[std::string(name)], *patch);
    }
  }

  for (const std::string_view name : kSettingsDocuments) {
    const auto patch = changeset.find(name);
    if (patch == changeset.end()) {
      continue;
    }
    for (const auto& [field, value] : patch->items()) {
      const std::string written =
          "/" + std::string(name) + "/" + escape_pointer_token(field);
      for (const std::string& key : keys) {
        const bool inside = is_under(written, key);
        const std::string& compared = inside ? written : key;
        if ((inside || is_under(key, written)) &&
            value_at(before, compared) != value_at(after, compared)) {
          add_once(problems, compared, "is immutable");
        }
      }
    }
  }
}

// Rejects key and secret operations on an immutable list or entry, such
// as "/api_keys" or "/secrets/proxy_password".
void check_immutable_operations(const Json& changeset, const std::string& list,
                                const char* id_field,
                                const std::vector<std::string>& keys,
                                std::vector<InvalidParam>& problems) {
  const auto ops = changeset.find(list);
  if (ops == changeset.end()) {
    return;
  }
  for (std::size_t i = 0; i < ops->size(); ++i) {
    const std::string target =
        "/" + list + "/" +
        escape_pointer_token((*ops)[i].value(id_field, std::string()));
    for (const std::string& key : keys) {
      if (is_under(target, key)) {
        add_once(problems, "/" + list + "/" + std::to_string(i), "is immutable");
      }
    }
  }
}

void check_immutable(const Json& changeset, const ConfigSnapshot& current,
                     std::vector<InvalidParam>& problems) {
  const std::vector<std::string> keys = immutable_keys(current);
  check_immutable_fields(changeset, current, keys, problems);
  check_immutable_operations(changeset, "api_keys", "key_id", keys, problems);
  check_immutable_operations(changeset, "secrets", "name", keys, problems);

  const auto app = changeset.find("app_profile");
  if (app != changeset.end() && app->contains("mode") &&
      (*app)["mode"] != current.app_profile.value("mode", Json())) {
    problems.push_back({"/app_profile/mode", "changes only through setup"});
  }
}

const Json& current_document(const ConfigSnapshot& current,
                             std::string_view name) {
  static const Json kEmpty = Json::object();
  if (name == "app_profile") {
    return current.app_profile;
  }
  if (name == "engine_profile") {
    return current.engine_profile;
  }
  if (name == "fs_policy") {
    return current.fs_policy;
  }
  return kEmpty;
}

void write_key_operation(StoreTransaction& tx, const Json& op,
                         const std::string& actor,
                         std::vector<std::string>& issued_keys) {
  const std::string key_id = op["key_id"].get<std::string>();
  if (op["op"] == "delete") {
    tx.delete_api_key(key_id);
    return;
  }
  const auto keys = tx.api_keys();
  const auto existing =
      std::find_if(keys.begin(), keys.end(),
                   [&](const ApiKeyRecord& key) { return key.key_id == key_id; });
  ApiKeyRecord key;
  if (existing != keys.end()) {
    key = *existing;
    if (op.value("rotate", false)) {
      // A fresh random secret replaces the old one, shown once like a new
      // key's.
      std::string credential;
      key.secret_sha256 =
          issue_api_key(key_id, key.label, key.scope, credential).secret_sha256;
      issued_keys.push_back(std::move(credential));
    }
  } else {
    std::string credential;
    key = issue_api_key(key_id, actor, "admin", credential);
    if (!op.contains("secret")) {
      issued_keys.push_back(std::move(credential));
    }
  }
  key.label = op.value("label", key.label);
  key.enabled = op.value("enabled", key.enabled);
  key.scope = op.value("scope", key.scope);
  if (op.contains("secret")) {
    key.secret_sha256 = sha256_hex(op["secret"].get<std::string>());
  }
  if (op.contains("rate_limit")) {
    key.rate_limit = op["rate_limit"];
  }
  tx.put_api_key(key);
}

}  // namespace

std::vector<InvalidParam> validate_changeset(const Json& changeset,
                                             const ConfigSnapshot& current) {
  std::vector<InvalidParam> problems;
  if (!changeset.is_object()) {
    problems.push_back({"", "a changeset must be a JSON object"});
    return problems;
  }
  for (const auto& [name, value] : changeset.items()) {
    if (name == "api_keys") {
      validate_list(value, "/api_keys", problems, validate_key_operation);
    } else if (name == "secrets") {
      validate_list(value, "/secrets", problems, validate_secret_operation);
    } else {
      validate_document(name, value, current_document(current, name),
                        problems);
    }
  }
  if (problems.empty()) {
    check_immutable(changeset, current, problems);
  }
  return problems;
}

void write_changeset(StoreTransaction& tx, const Json& changeset,
                     const std::string& actor,
                     std::vector<std::string>& issued_keys) {
  std::vector<std::string> sections;
  for (const std::string_view name : kSettingsDocuments) {
    const auto patch = changeset.find(name);
    if (patch == changeset.end() || patch->empty()) {
      continue;
    }
    Json document = tx.document(name).value_or(Json::object());
    merge_document(document, *patch);
    tx.put_document(name, document);
    sections.emplace_back(name);
  }
  if (const auto ops = changeset.find("api_keys");
      ops != changeset.end() && !ops->empty()) {
    for (const Json& op : *ops) {
      write_key_operation(tx, op, actor, issued_keys);
    }
    sections.emplace_back("api_keys");
  }
  if (const auto ops = changeset.find("secrets");
      ops != changeset.end() && !ops->empty()) {
    for (const Json& op : *ops) {
      if (op["op"] == "set") {
        tx.put_secret(op["name"].get<std::string>(),
                      op["value"].get<std::string>());
      } else {
        tx.delete_secret(op["name"].get<std::string>());
      }
    }
    sections.emplace_back("secrets");
  }
  if (!sections.empty()) {
    tx.bump_revision(sections, actor);
  }
}

ApiKeyRecord issue_api_key(const std::string& key_id, const std::string& label,
                           const std::string& scope, std::string& credential) {
  const std::string secret = random_hex(kSecretBytes);
  ApiKeyRecord key;
  key.key_id = key_id;
  key.label = label;
  key.scope = scope;
  key.secret_sha256 = sha256_hex(secret);
  key.created_at_ms = now_unix_ms();
  credential = key_id + ":" + secret;
  return key;
}

}  // namespace revaer
