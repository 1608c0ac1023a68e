#include "api/local_access.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "api/cidr.hpp"

namespace revaer {

bool open_locally(const RequestContext& context) {
  const nlohmann::json& profile = context.snapshot->app_profile;
  return profile.value("auth_mode", std::string()) == "none" &&
         is_local_network(context.client,
                          profile.value("local_networks", nlohmann::json::array()));
}

}  // namespace revaer
