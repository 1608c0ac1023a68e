// libFuzzer target: bytes as the body of PATCH /v1/config, parsed with the
// API's JSON limits and validated against the settings of a new install.
// Validation returns problems for bad input; a throw or crash fails the run.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/http_util.hpp"
#include "config/changeset.hpp"
#include "config/settings_schema.hpp"

namespace {

revaer::ConfigSnapshot new_install() {
  const revaer::ConfigDefaults defaults{"/data/downloads", "/data/resume",
                                        "/data/library"};
  revaer::ConfigSnapshot snapshot;
  snapshot.revision = 1;
  snapshot.app_profile = revaer::default_document("app_profile", defaults);
  snapshot.engine_profile = revaer::default_document("engine_profile", defaults);
  snapshot.fs_policy = revaer::default_document("fs_policy", defaults);
  return snapshot;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  static const revaer::ConfigSnapshot current = new_install();

  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const revaer::Result<nlohmann::json> changeset =
      revaer::parse_json_body(body, std::nullopt);
  if (!changeset) {
    return 0;
  }
  const std::vector<revaer::InvalidParam> problems =
      revaer::validate_changeset(changeset.value(), current);
  for (const revaer::InvalidParam& problem : problems) {
    // Every pointer is empty (the whole body) or starts at the root.
    if (!problem.pointer.empty() && problem.pointer.front() != '/') {
      __builtin_trap();
    }
  }
  return 0;
}
