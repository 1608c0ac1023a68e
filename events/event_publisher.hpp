#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace revaer {

// A fact to announce, before the bus gives it an id and a time.
struct EventInput {
  std::string kind;  // torrent_added, progress, settings_changed, ...
  nlohmann::json data = nlohmann::json::object();
  std::optional<std::string> torrent_id;
  std::optional<std::string> request_id;  // the request that caused it
};

// Where components announce facts. Implementations are thread-safe and
// never block the caller for long: engine alert threads publish here.
class EventPublisher {
 public:
  virtual ~EventPublisher() = default;
  virtual void publish(EventInput event) = 0;
};

}  // namespace revaer
