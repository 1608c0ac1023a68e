#pragma once

#include <ostream>
#include <string>

#include "cli/http_client.hpp"

namespace revaer::client {

// Prints an error response to `err`. A problem+json body shows its title,
// status, detail and each invalid_params entry as "pointer: message". Any
// other body shows the status and the start of the body. Retry-After, when
// present, and the request id follow. Control characters in any of that
// text are printed as '?'.
void print_problem(std::ostream& err, const HttpResponse& response, const std::string& request_id);

}  // namespace revaer::client
