// docs/configuration.md documents every field a new install has.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "config/settings_schema.hpp"
#include "tests/support/source_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer {
namespace {

TEST(ConfigurationDocs, ListEveryField) {
  const std::string docs =
      test::read_file_bytes(test::source_dir() / "docs" / "configuration.md");
  const ConfigDefaults defaults{"/d", "/r", "/l"};
  for (const std::string_view name : kSettingsDocuments) {
    EXPECT_NE(docs.find("### `" + std::string(name) + "`"), std::string::npos)
        << name;
    const nlohmann::json document = default_document(name, defaults);
    for (const auto& [field, value] : document.items()) {
      EXPECT_NE(docs.find("| `" + field + "` |"), std::string::npos)
          << name << "." << field << " has no row in docs/configuration.md";
    }
  }
}

}  // namespace
}  // namespace revaer
