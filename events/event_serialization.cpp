#include "events/event_serialization.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/clock.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr TorrentState kAllStates[] = {
    TorrentState::queued,      TorrentState::fetching_metadata,
    TorrentState::downloading, TorrentState::seeding,
    TorrentState::completed,   TorrentState::failed,
    TorrentState::stopped,
};

std::string dump_compact(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Reads data.state as a name, or data.state.kind as the torrent summary
// renders it.
std::optional<TorrentState> state_of(const json& data) {
  auto state = data.find("state");
  if (state == data.end()) {
    return std::nullopt;
  }
  if (state->is_string()) {
    return parse_state_name(state->get_ref<const std::string&>());
  }
  if (state->is_object()) {
    auto kind = state->find("kind");
    if (kind != state->end() && kind->is_string()) {
      return parse_state_name(kind->get_ref<const std::string&>());
    }
  }
  return std::nullopt;
}

std::string frame_text(std::int64_t id, std::string_view event_name,
                       std::string_view data_line) {
  std::string text;
  text.reserve(data_line.size() + event_name.size() + 40);
  text += "id: ";
  text += std::to_string(id);
  text += "\nevent: ";
  text += event_name;
  text += "\ndata: ";
  text += data_line;
  text += "\n\n";
  return text;
}

}  // namespace

std::optional<TorrentState> parse_state_name(std::string_view name) {
  auto found = std::find_if(
      std::begin(kAllStates), std::end(kAllStates),
      [name](TorrentState state) { return to_string(state) == name; });
  if (found == std::end(kAllStates)) {
    return std::nullopt;
  }
  return *found;
}

std::optional<PreparedEvent> prepare_event(EventInput input) {
  std::optional<EventKind> kind = parse_event_kind(input.kind);
  if (!kind) {
    spdlog::warn("event bus: dropped an event of unknown kind '{}'",
                 input.kind);
    return std::nullopt;
  }
  if (input.data.is_null()) {
    input.data = json::object();
  }
  if (!input.data.is_object()) {
    spdlog::warn("event bus: dropped a {} event whose data is not an object",
                 input.kind);
    return std::nullopt;
  }

  PreparedEvent event;
  event.kind = *kind;
  if (input.torrent_id && !input.torrent_id->empty()) {
    event.torrent_id = *input.torrent_id;
    if (!input.data.contains("torrent_id")) {
      input.data["torrent_id"] = event.torrent_id;
    }
  }
  event.state = state_of(input.data);
  event.request_id = std::move(input.request_id);
  event.data_json = dump_compact(input.data);
  return event;
}

std::shared_ptr<const EventFrame> make_event_frame(std::int64_t id,
                                                   std::int64_t at_unix_ms,
                                                   const PreparedEvent& event) {
  std::string_view kind = to_string(event.kind);
  std::string data_line;
  data_line.reserve(event.data_json.size() + 96);
  data_line += "{\"id\":";
  data_line += std::to_string(id);
  data_line += ",\"kind\":\"";
  data_line += kind;
  data_line += "\",\"at\":\"";
  data_line += format_rfc3339(at_unix_ms);
  data_line += '"';
  if (event.request_id) {
    data_line += ",\"request_id\":";
    data_line += dump_compact(*event.request_id);
  }
  data_line += ",\"data\":";
  data_line += event.data_json;
  data_line += '}';

  auto frame = std::make_shared<EventFrame>();
  frame->id = id;
  frame->kind = event.kind;
  frame->torrent_id = event.torrent_id;
  frame->state = event.state;
  frame->text = frame_text(id, kind, data_line);
  return frame;
}

std::shared_ptr<const EventFrame> make_reset_frame(
    std::int64_t id, std::int64_t at_unix_ms, std::int64_t requested_id,
    std::string_view reason, std::optional<std::int64_t> oldest_id) {
  json data = {
      {"reason", reason},
      {"requested_id", requested_id},
      {"oldest_id", oldest_id ? json(*oldest_id) : json(nullptr)},
  };
  json line = {
      {"id", id},
      {"kind", kResetEventName},
      {"at", format_rfc3339(at_unix_ms)},
      {"data", std::move(data)},
  };

  auto frame = std::make_shared<EventFrame>();
  frame->id = id;
  frame->text = frame_text(id, kResetEventName, dump_compact(line));
  return frame;
}

bool EventFilter::matches(const EventFrame& frame) const {
  if (!frame.kind) {
    return true;
  }
  if (kinds != 0 && (kinds & kind_bit(*frame.kind)) == 0) {
    return false;
  }
  if (states != 0 && (!frame.state || (states & state_bit(*frame.state)) == 0)) {
    return false;
  }
  if (torrent_ids.empty()) {
    return true;
  }
  return std::find(torrent_ids.begin(), torrent_ids.end(),
                   frame.torrent_id) != torrent_ids.end();
}

}  // namespace revaer
