#pragma once

#include <string>
#include <string_view>

namespace revaer {

// Returns true for a URL with the postgres:// or postgresql:// scheme, the
// forms DATABASE_URL accepts.
bool is_postgres_url(std::string_view url);

// Returns `url` with its password replaced by "***", both the one in the
// user-info part and a `password=` query parameter, so the URL can be
// logged and shown in errors.
std::string mask_database_url(std::string_view url);

}  // namespace revaer
