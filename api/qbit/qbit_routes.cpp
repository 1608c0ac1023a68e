#include "api/qbit/qbit_routes.hpp"

#include <iterator>

#include "api/qbit/qbit_write_routes.hpp"

namespace revaer {

void append_routes(std::vector<Route>& routes, std::vector<Route> more) {
  routes.insert(routes.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
}

std::vector<Route> qbit_read_route(const std::string& pattern,
                                   Permission permission, bool needs_engine,
                                   Handler handler) {
  std::vector<Route> routes;
  for (http::verb method : {http::verb::get, http::verb::post}) {
    routes.push_back(Route{method, pattern, Access::qbit, permission,
                           needs_engine, false, handler});
  }
  return routes;
}

std::vector<Route> qbit_routes() {
  std::vector<Route> routes;
  // One table per endpoint group; each group's file defines its table.
  for (auto table : {qbit_auth_routes, qbit_app_routes, qbit_read_routes,
                     qbit_sync_routes, qbit_transfer_routes,
                     qbit_add_routes, qbit_action_routes, qbit_label_routes}) {
    append_routes(routes, table());
  }
  return routes;
}

}  // namespace revaer
