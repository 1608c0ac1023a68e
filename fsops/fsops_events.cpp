#include "fsops/fsops_events.hpp"

namespace revaer {
namespace {

using nlohmann::json;

json optional_text(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

}  // namespace

void FsopsEvents::on_status(const std::string& torrent_id,
                            const FsopsStatus& status,
                            const std::optional<std::string>& library_path) {
  if (status.state == "running") {
    bool started = false;
    {
      std::lock_guard lock(mutex_);
      started = running_.insert(torrent_id).second;
    }
    if (started) {
      publish("fsops_started", torrent_id, status, library_path);
    }
    if (status.step) {
      publish("fsops_progress", torrent_id, status, library_path);
    }
    return;
  }

  {
    std::lock_guard lock(mutex_);
    running_.erase(torrent_id);
  }
  if (status.state == "completed") {
    publish("fsops_completed", torrent_id, status, library_path);
  } else if (status.state == "failed") {
    publish("fsops_failed", torrent_id, status, library_path);
  }
}

// The payload has "status", not "state", because data.state is reserved
// for torrent states, which the stream's state filter matches.
void FsopsEvents::publish(const char* kind, const std::string& torrent_id,
                          const FsopsStatus& status,
                          const std::optional<std::string>& library_path) {
  EventInput event;
  event.kind = kind;
  event.torrent_id = torrent_id;
  event.data = {{"status", status.state}, {"step", optional_text(status.step)}};
  if (status.state == "failed") {
    event.data["error"] = status.error.value_or("");
  }
  if (status.state == "completed") {
    event.data["library_path"] = optional_text(library_path);
  }
  events_.publish(std::move(event));
}

}  // namespace revaer
