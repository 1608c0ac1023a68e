#pragma once

#include <filesystem>

namespace revaer::test {

// The root of the source tree, as the build configured it. Tests read
// files through it rather than through __FILE__, which a compiler cache
// or -ffile-prefix-map may turn into a relative path.
inline std::filesystem::path source_dir() { return REVAER_SOURCE_DIR; }

// The folder whose package-lock.json pins the npm clients of the tests;
// scripts/bootstrap.sh --tests installs them.
inline std::filesystem::path node_client_dir() {
  return source_dir() / "tests" / "e2e" / "node";
}

}  // namespace revaer::test
