#include "core/version.hpp"

namespace revaer {

const char* build_version() { return REVAER_VERSION; }

const char* build_commit() { return REVAER_GIT_COMMIT; }

}  // namespace revaer
