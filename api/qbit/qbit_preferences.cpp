#include "api/qbit/qbit_preferences.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "api/qbit/qbit_scheduler_prefs.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr int kMaxConnections = 65535;
constexpr std::int64_t kSecondsPerMinute = 60;

// qBittorrent's encryption preference: 0 prefer, 1 require, 2 disable.
int encryption_code(const std::string& mode) {
  if (mode == "require") {
    return 1;
  }
  return mode == "disable" ? 2 : 0;
}

const char* encryption_mode(std::int64_t code) {
  if (code == 1) {
    return "require";
  }
  return code == 2 ? "disable" : "prefer";
}

void add_share_limits(const json& engine, json& prefs) {
  const json ratio = engine.value("seed_ratio_limit", json());
  prefs["max_ratio_enabled"] = ratio.is_number();
  prefs["max_ratio"] = ratio.is_number() ? ratio.get<double>() : -1.0;

  const json seconds = engine.value("seed_time_limit", json());
  prefs["max_seeding_time_enabled"] = seconds.is_number_integer();
  prefs["max_seeding_time"] =
      seconds.is_number_integer()
          ? seconds.get<std::int64_t>() / kSecondsPerMinute
          : -1;
  prefs["max_inactive_seeding_time_enabled"] = false;
  prefs["max_inactive_seeding_time"] = -1;
  // 0 stops the torrent, which is what the engine does at a share limit.
  prefs["max_ratio_act"] = 0;
}

void add_connection(const json& engine, json& prefs) {
  prefs["listen_port"] = engine.value("listen_port", 6881);
  prefs["random_port"] = false;
  prefs["upnp"] = engine.value("enable_upnp", false);
  prefs["dht"] = engine.value("dht", false);
  prefs["pex"] = engine.value("enable_pex", false);
  prefs["lsd"] = engine.value("enable_lsd", false);
  prefs["encryption"] =
      encryption_code(engine.value("encryption", std::string("prefer")));
  prefs["max_connec"] = engine.value("connections_limit", 500);
  prefs["max_connec_per_torrent"] =
      engine.value("connections_limit_per_torrent", 100);
  prefs["max_uploads"] = -1;
  prefs["max_uploads_per_torrent"] = -1;
  prefs["announce_ip"] = "";
  const json tracker = engine.value("tracker", json());
  prefs["announce_to_all_trackers"] =
      tracker.is_object() && tracker.value("announce_to_all_trackers", false);
  prefs["announce_to_all_tiers"] =
      tracker.is_object() && tracker.value("announce_to_all_tiers", false);
}

void add_rates(const json& engine, json& prefs) {
  prefs["dl_limit"] = engine.value("max_download_bps", 0);
  prefs["up_limit"] = engine.value("max_upload_bps", 0);
  const json alt = engine.value("alt_speed", json());
  prefs["alt_dl_limit"] = alt.is_object() ? alt.value("download_bps", 0) : 0;
  prefs["alt_up_limit"] = alt.is_object() ? alt.value("upload_bps", 0) : 0;
  prefs["limit_lan_peers"] = engine.value("rate_limit_local_peers", true);
  add_scheduler_preferences(engine, prefs);
}

void add_queueing(const json& engine, json& prefs) {
  int max_active = engine.value("max_active", 8);
  prefs["queueing_enabled"] = max_active >= 0;
  prefs["max_active_torrents"] = max_active;
  prefs["max_active_downloads"] = max_active;
  prefs["max_active_uploads"] = max_active;
  prefs["dont_count_slow_torrents"] = false;
}

void add_downloads(const json& engine, json& prefs) {
  prefs["save_path"] = engine.value("download_root", std::string());
  prefs["temp_path_enabled"] = false;
  prefs["temp_path"] = "";
  prefs["auto_tmm_enabled"] = false;
  prefs["torrent_content_layout"] = "Original";
  prefs["add_stopped_enabled"] = false;
  prefs["start_paused_enabled"] = false;
  prefs["preallocate_all"] =
      engine.value("storage_mode", std::string("sparse")) == "allocate";
  prefs["incomplete_files_ext"] = false;
  prefs["create_subfolder_enabled"] = true;
}

// Reads a value of the expected JSON type, or records the problem.
struct Reader {
  const json& preferences;
  std::string error;

  const json* find(const char* key, bool (json::*is_type)() const noexcept,
                   const char* expected) {
    auto found = preferences.find(key);
    if (found == preferences.end()) {
      return nullptr;
    }
    if (!((*found).*is_type)()) {
      if (error.empty()) {
        error = std::string("The preference '") + key + "' must be " +
                expected + ".";
      }
      return nullptr;
    }
    return &*found;
  }
  const json* boolean(const char* key) {
    return find(key, &json::is_boolean, "a boolean");
  }
  const json* number(const char* key) {
    return find(key, &json::is_number, "a number");
  }
  const json* integer(const char* key) {
    return find(key, &json::is_number_integer, "an integer");
  }
  const json* string(const char* key) {
    return find(key, &json::is_string, "a string");
  }
};

// A rate preference: qBittorrent sends -1 or 0 for unlimited.
std::int64_t rate(const json& value) {
  std::int64_t bps = value.get<std::int64_t>();
  return bps < 0 ? 0 : bps;
}

int connection_limit(const json& value) {
  std::int64_t limit = value.get<std::int64_t>();
  return limit <= 0 || limit > kMaxConnections ? kMaxConnections
                                               : static_cast<int>(limit);
}

void map_share_limits(Reader& in, const json& engine, json& out) {
  const json* ratio_enabled = in.boolean("max_ratio_enabled");
  const json* ratio = in.number("max_ratio");
  bool ratio_on = ratio_enabled ? ratio_enabled->get<bool>()
                                : engine.value("seed_ratio_limit", json())
                                      .is_number();
  if (ratio_enabled && !ratio_on) {
    out["seed_ratio_limit"] = nullptr;
  } else if (ratio && ratio_on) {
    double value = ratio->get<double>();
    out["seed_ratio_limit"] = value < 0 ? json() : json(value);
  }

  const json* time_enabled = in.boolean("max_seeding_time_enabled");
  const json* minutes = in.integer("max_seeding_time");
  bool time_on = time_enabled ? time_enabled->get<bool>()
                              : engine.value("seed_time_limit", json())
                                    .is_number_integer();
  if (time_enabled && !time_on) {
    out["seed_time_limit"] = nullptr;
  } else if (minutes && time_on) {
    std::int64_t value = minutes->get<std::int64_t>();
    out["seed_time_limit"] =
        value < 0 ? json() : json(value * kSecondsPerMinute);
  }
}

void map_connection(Reader& in, json& out) {
  if (const json* port = in.integer("listen_port")) {
    out["listen_port"] = *port;
  }
  if (const json* dht = in.boolean("dht")) {
    out["dht"] = *dht;
  }
  if (const json* pex = in.boolean("pex")) {
    out["enable_pex"] = *pex;
  }
  if (const json* lsd = in.boolean("lsd")) {
    out["enable_lsd"] = *lsd;
  }
  if (const json* upnp = in.boolean("upnp")) {
    out["enable_upnp"] = *upnp;
  }
  if (const json* code = in.integer("encryption")) {
    out["encryption"] = encryption_mode(code->get<std::int64_t>());
  }
  if (const json* limit = in.integer("max_connec")) {
    out["connections_limit"] = connection_limit(*limit);
  }
  if (const json* limit = in.integer("max_connec_per_torrent")) {
    out["connections_limit_per_torrent"] = connection_limit(*limit);
  }
}

void map_rates(Reader& in, const json& engine, json& out) {
  if (const json* limit = in.integer("dl_limit")) {
    out["max_download_bps"] = rate(*limit);
  }
  if (const json* limit = in.integer("up_limit")) {
    out["max_upload_bps"] = rate(*limit);
  }
  const json* alt_down = in.integer("alt_dl_limit");
  const json* alt_up = in.integer("alt_up_limit");
  if (alt_down || alt_up) {
    json alt = engine.value("alt_speed", json());
    if (!alt.is_object()) {
      alt = {{"enabled", false}, {"download_bps", 0}, {"upload_bps", 0}};
    }
    if (alt_down) {
      alt["download_bps"] = rate(*alt_down);
    }
    if (alt_up) {
      alt["upload_bps"] = rate(*alt_up);
    }
    out["alt_speed"] = alt;
  }
  if (const json* lan = in.boolean("limit_lan_peers")) {
    out["rate_limit_local_peers"] = *lan;
  }
  std::string error = map_scheduler_preferences(in.preferences, engine, out);
  if (in.error.empty()) {
    in.error = std::move(error);
  }
}

void map_queueing(Reader& in, const json& engine, json& out) {
  const json* enabled = in.boolean("queueing_enabled");
  const json* active = in.integer("max_active_torrents");
  int current = engine.value("max_active", 8);
  if (enabled && !enabled->get<bool>()) {
    out["max_active"] = -1;
  } else if (active) {
    std::int64_t value = active->get<std::int64_t>();
    out["max_active"] = value < 0 ? -1 : value;
  } else if (enabled && current < 0) {
    out["max_active"] = 8;  // the engine profile's default
  }
}

}  // namespace

const json& engine_profile_of(const ConfigSnapshot& snapshot) {
  static const json kEmpty = json::object();
  return snapshot.engine_profile.is_object() ? snapshot.engine_profile
                                             : kEmpty;
}

json qbit_preferences(const ConfigSnapshot& snapshot) {
  const json& engine = engine_profile_of(snapshot);
  json prefs = json::object();
  add_downloads(engine, prefs);
  add_share_limits(engine, prefs);
  add_queueing(engine, prefs);
  add_connection(engine, prefs);
  add_rates(engine, prefs);
  prefs["web_ui_session_timeout"] = 3600;
  prefs["bypass_local_auth"] =
      snapshot.app_profile.is_object() &&
      snapshot.app_profile.value("auth_mode", std::string()) == "none";
  return prefs;
}

Result<json> qbit_preferences_changeset(const json& preferences,
                                        const ConfigSnapshot& snapshot) {
  if (!preferences.is_object()) {
    return Problem::bad_request(
        "The json parameter must be a JSON object of preferences.");
  }
  const json& engine = engine_profile_of(snapshot);
  Reader in{preferences, {}};
  json out = json::object();
  if (const json* path = in.string("save_path")) {
    out["download_root"] = *path;
  }
  map_share_limits(in, engine, out);
  map_connection(in, out);
  map_rates(in, engine, out);
  map_queueing(in, engine, out);
  if (!in.error.empty()) {
    return Problem::bad_request(in.error);
  }
  if (out.empty()) {
    return json::object();
  }
  return json{{"engine_profile", out}};
}

}  // namespace revaer
