#pragma once

#include "api/router.hpp"

namespace revaer {

// True when app_profile.auth_mode is "none" and the client address is in
// local_networks, so guarded routes admit the request without a key.
bool open_locally(const RequestContext& context);

}  // namespace revaer
