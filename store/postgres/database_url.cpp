#include "store/postgres/database_url.hpp"

namespace revaer {
namespace {

constexpr std::string_view kMask = "***";

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Masks the password of "user:password@" in the authority part.
std::string mask_user_info(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  const std::size_t authority_begin = scheme_end + 3;
  const std::size_t authority_end = url.find_first_of("/?", authority_begin);
  const std::string_view authority =
      url.substr(authority_begin, authority_end - authority_begin);

  // The last '@' ends the user info: a password may itself contain '@'.
  const auto at = authority.rfind('@');
  const auto colon = authority.substr(0, at).find(':');
  if (at == std::string_view::npos || colon == std::string_view::npos) {
    return std::string(url);
  }
  std::string masked(url.substr(0, authority_begin + colon + 1));
  masked += kMask;
  masked += url.substr(authority_begin + at);
  return masked;
}

// Masks the value of every "password=" parameter of the query string.
std::string mask_query_password(std::string text) {
  const auto query = text.find('?');
  if (query == std::string::npos) {
    return text;
  }
  std::size_t position = query + 1;
  while (position < text.size()) {
    std::size_t end = text.find('&', position);
    if (end == std::string::npos) {
      end = text.size();
    }
    constexpr std::string_view kKey = "password=";
    if (std::string_view(text).substr(position, kKey.size()) == kKey) {
      const std::size_t value = position + kKey.size();
      text.replace(value, end - value, kMask);
      end = value + kMask.size();
    }
    position = end + 1;
  }
  return text;
}

}  // namespace

bool is_postgres_url(std::string_view url) {
  return starts_with(url, "postgres://") || starts_with(url, "postgresql://");
}

std::string mask_database_url(std::string_view url) {
  return mask_query_password(mask_user_info(url));
}

}  // namespace revaer
