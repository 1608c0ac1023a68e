#include "app/daemon_options.hpp"

#include <cstdlib>

namespace revaer {

std::string default_data_dir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg) {
    return std::string(xdg) + "/revaer";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home) {
    return std::string(home) + "/.local/share/revaer";
  }
  return "revaer-data";
}

bool split_listen_address(const std::string& text, std::string& host,
                          unsigned short& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return false;
  }
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string digits = text.substr(colon + 1);
  if (digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  const long value = std::strtol(digits.c_str(), nullptr, 10);
  if (value > 65535) {
    return false;
  }
  port = static_cast<unsigned short>(value);
  return true;
}

}  // namespace revaer
