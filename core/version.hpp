#pragma once

namespace revaer {

// The release version, e.g. "0.1.0".
const char* build_version();

// The short git commit the binary was built from, or "unknown".
const char* build_commit();

}  // namespace revaer
