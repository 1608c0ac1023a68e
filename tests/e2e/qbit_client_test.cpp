// Drives the qBittorrent WebUI API with a real client library,
// @ctrl/qbittorrent (tests/qbit/node/qbit_flow.mjs), against revaerd and,
// as the reference that proves the script itself, against qbittorrent-nox.
// Both download real torrents from a loopback swarm; the test checks the
// script's summary and the bytes on disk at its checkpoints.

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/checks.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/metainfo.hpp"
#include "tests/support/qbit_servers.hpp"
#include "tests/support/source_paths.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int kScriptTimeoutSeconds = 240;
constexpr auto kCheckpointTimeout = minutes(6);
constexpr auto kScriptExitTimeout = minutes(4);

const std::string kCategory = "Séries TV";
const std::vector<std::string> kTags = {"revaer-flow", "hd 1080p"};
const std::string kNewName = "Renamed – flow";

// The endpoints the flow script calls, with the methods it uses.
const std::vector<QbitRoute> kFlowRoutes = {
    {"GET", "app/version"},
    {"GET", "app/webapiVersion"},
    {"GET", "app/preferences"},
    {"POST", "torrents/createCategory"},
    {"GET", "torrents/categories"},
    {"POST", "torrents/add"},
    {"GET", "torrents/info"},
    {"GET", "torrents/properties"},
    {"GET", "torrents/files"},
    {"POST", "torrents/setShareLimits"},
    {"POST", "torrents/setLocation"},
    {"POST", "torrents/rename"},
    {"POST", "torrents/stop"},
    {"POST", "torrents/start"},
    {"POST", "torrents/delete"},
};

fs::path flow_script_dir() { return source_dir() / "tests" / "qbit" / "node"; }

// What one server is expected to return where qBittorrent versions differ.
struct FlowTarget {
  QbitEndpoint endpoint;
  std::string app_version;  // exact app/version
  std::string api_version;  // exact app/webapiVersion
  // Preference keys this server may lack: qBittorrent 4.5.2 predates the
  // inactive seeding time limit of 4.6.
  std::set<std::string> preferences_may_lack;
  std::string stopped_state;  // "stoppedUP" from API 2.11, "pausedUP" before
  // Whether both added torrents must be listed by the first torrents/info
  // after torrents/add returned. qbittorrent-nox 4.5.2 adds magnets
  // asynchronously, so it is not held to that.
  bool lists_right_after_add = true;
  std::function<std::string()> log_tail;
};

// The two torrents of the flow, both from one swarm.
struct FlowTorrents {
  const SeededTorrent& magnet;
  const SeededTorrent& upload;
};

// Paths the flow uses, all under the test's folder.
struct FlowPaths {
  fs::path save;
  fs::path category_save;
  fs::path moved;
  fs::path checkpoints;
  fs::path config;
  fs::path output;
  fs::path errors;
};

std::vector<json> read_json_lines(const fs::path& path) {
  std::vector<json> lines;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    json parsed = json::parse(line, nullptr, false);
    if (!parsed.is_discarded()) {
      lines.push_back(std::move(parsed));
    }
  }
  return lines;
}

std::optional<json> find_record(const fs::path& output, const std::string& key,
                                const std::string& value) {
  for (json& record : read_json_lines(output)) {
    if (record.contains(key) && (value.empty() || record[key] == value)) {
      return record;
    }
  }
  return std::nullopt;
}

FlowPaths make_paths(const TempDir& dir) {
  FlowPaths paths{dir / "qbit-save",  dir / "category-save",
                  dir / "moved",      dir / "checkpoints",
                  dir / "flow.json",  dir / "flow.out",
                  dir / "flow.err"};
  fs::create_directories(paths.save);
  fs::create_directories(paths.category_save);
  fs::create_directories(paths.moved);
  fs::create_directories(paths.checkpoints);
  return paths;
}

void write_flow_config(const FlowPaths& paths, const FlowTarget& target,
                       Swarm& swarm, const FlowTorrents& torrents) {
  json config = {
      {"baseUrl", target.endpoint.url},
      {"username", target.endpoint.username},
      {"password", target.endpoint.password},
      {"category", kCategory},
      {"categorySavePath", paths.category_save.string()},
      {"savePath", paths.save.string()},
      {"tags", kTags},
      {"magnet",
       {{"link", magnet_link(torrents.magnet.info_hash, torrents.magnet.name,
                             swarm.announce_url(),
                             swarm.seeder().peer_address())},
        {"hash", torrents.magnet.info_hash}}},
      {"upload",
       {{"path", torrents.upload.torrent_path.string()},
        {"hash", torrents.upload.info_hash}}},
      {"newLocation", paths.moved.string()},
      {"newName", kNewName},
      {"checkpointDir", paths.checkpoints.string()},
      {"timeoutSeconds", kScriptTimeoutSeconds},
  };
  write_file_bytes(paths.config, config.dump(2));
}

// Waits for checkpoint `name` of the running script and returns its record,
// or nullopt when the script ended or timed out first.
std::optional<json> wait_checkpoint(Process& node, const FlowPaths& paths,
                                    const std::string& name) {
  std::optional<json> record;
  wait_until(
      [&] {
        record = find_record(paths.output, "checkpoint", name);
        return record.has_value() || !node.running();
      },
      kCheckpointTimeout, std::chrono::milliseconds(200));
  return record;
}

void release_checkpoint(const FlowPaths& paths, const std::string& name) {
  write_file_bytes(paths.checkpoints / (name + ".continue"), "");
}

// Checks the payloads where the server reported them after the download.
void check_downloaded(const json& record, const FlowPaths& paths,
                      const FlowTorrents& torrents) {
  for (const SeededTorrent* torrent : {&torrents.magnet, &torrents.upload}) {
    const json& reported = record["content_paths"][torrent->info_hash];
    fs::path expected = paths.save / torrent->name;
    ASSERT_TRUE(reported.is_string()) << record.dump(2);
    EXPECT_EQ(fs::path(reported.get<std::string>()), expected);
    expect_tree_matches(torrent->sha256, expected, "downloaded " + torrent->name);
  }
}

// Checks that setLocation moved every byte of the magnet's payload.
void check_moved(const json& record, const FlowPaths& paths,
                 const FlowTorrents& torrents) {
  fs::path expected = paths.moved / torrents.magnet.name;
  ASSERT_TRUE(record["content_path"].is_string()) << record.dump(2);
  EXPECT_EQ(fs::path(record["content_path"].get<std::string>()), expected);
  expect_tree_matches(torrents.magnet.sha256, expected, "moved payload");
  EXPECT_FALSE(fs::exists(paths.save / torrents.magnet.name))
      << "setLocation left the old copy in place";
}

// Runs the script to its end, checking the disk at both checkpoints.
// Returns the summary, or null when the script printed none.
json run_flow(const TempDir& dir, Swarm& swarm, const FlowTorrents& torrents,
              const FlowTarget& target) {
  FlowPaths paths = make_paths(dir);
  write_flow_config(paths, target, swarm, torrents);
  Process node({"node", (flow_script_dir() / "qbit_flow.mjs").string(),
                paths.config.string()},
               Environment{}, paths.output, paths.errors);
  auto log = [&] {
    return "\nscript output:\n" + tail_of_file(paths.output) +
           "\nscript errors:\n" + tail_of_file(paths.errors) +
           "\nserver log:\n" + target.log_tail();
  };

  std::optional<json> downloaded = wait_checkpoint(node, paths, "downloaded");
  EXPECT_TRUE(downloaded.has_value()) << "no 'downloaded' checkpoint" << log();
  if (downloaded) {
    check_downloaded(*downloaded, paths, torrents);
    release_checkpoint(paths, "downloaded");
    std::optional<json> moved = wait_checkpoint(node, paths, "moved");
    EXPECT_TRUE(moved.has_value()) << "no 'moved' checkpoint" << log();
    if (moved) {
      check_moved(*moved, paths, torrents);
      release_checkpoint(paths, "moved");
    }
  }

  std::optional<ExitStatus> exit = node.wait_for(kScriptExitTimeout);
  EXPECT_TRUE(exit.has_value()) << "the flow script did not end" << log();
  if (!exit) {
    node.stop(seconds(5));
  }
  std::optional<json> summary = find_record(paths.output, "summary", "");
  EXPECT_TRUE(summary.has_value()) << "the flow script printed no summary" << log();
  if (!summary) {
    return nullptr;
  }
  EXPECT_EQ(exit ? exit->shell_code() : -1, 0) << summary->dump(2) << log();

  EXPECT_FALSE(fs::exists(paths.moved / torrents.magnet.name))
      << "delete with files left the moved payload";
  EXPECT_FALSE(fs::exists(paths.save / torrents.upload.name))
      << "delete with files left the uploaded torrent's payload";
  return (*summary)["summary"];
}

// Returns summary[key] when it is an object, else an empty object, so that
// the checks of a summary cut short by a failure report and do not throw.
json object_at(const json& summary, const std::string& key) {
  auto found = summary.find(key);
  return found != summary.end() && found->is_object() ? *found
                                                      : json::object();
}

void check_summary(const json& summary, const FlowTarget& target,
                   const FlowTorrents& torrents) {
  ASSERT_TRUE(summary.is_object());
  EXPECT_EQ(summary.value("failures", json::array()), json::array())
      << summary.dump(2);
  EXPECT_EQ(summary.value("ok", false), true);
  EXPECT_EQ(summary.value("login", false), true);
  EXPECT_EQ(summary.value("appVersion", ""), target.app_version);
  EXPECT_EQ(summary.value("apiVersion", ""), target.api_version);

  for (const json& key : summary.value("preferencesMissing", json::array())) {
    EXPECT_TRUE(target.preferences_may_lack.count(key.get<std::string>()) == 1)
        << "app/preferences lacks " << key;
  }
  EXPECT_EQ(object_at(summary, "category").value("name", ""), kCategory);

  std::set<std::string> listed;
  for (const json& hash : summary.value("listedRightAfterAdd", json::array())) {
    listed.insert(hash.get<std::string>());
  }
  if (target.lists_right_after_add) {
    EXPECT_EQ(listed.count(torrents.magnet.info_hash), 1U)
        << "the magnet was not listed right after torrents/add";
    EXPECT_EQ(listed.count(torrents.upload.info_hash), 1U)
        << "the upload was not listed right after torrents/add";
  }

  for (const SeededTorrent* torrent : {&torrents.magnet, &torrents.upload}) {
    json files = object_at(summary, "files").value(torrent->info_hash,
                                                    json::array());
    EXPECT_EQ(files.size(), torrent->sha256.size()) << files.dump(2);
  }
  json share_limits = object_at(summary, "shareLimits");
  EXPECT_EQ(share_limits.value("ratio_limit", 0.0), 2.0);
  EXPECT_EQ(share_limits.value("seeding_time_limit", 0), 60);
  for (const json& state : summary.value("stoppedStates", json::array())) {
    EXPECT_EQ(state, target.stopped_state);
  }
  EXPECT_EQ(summary.value("startedStates", json::array()).size(), 2U);
  EXPECT_EQ(summary.value("deleted", false), true);
}

// A swarm seeding two torrents: Transmission serves each torrent to one
// leecher per address, so the magnet and the upload need their own.
struct FlowSwarm {
  explicit FlowSwarm(const TempDir& dir) : swarm(dir / "swarm") {
    magnet = &swarm.add_torrent("Flow Magnet – été", sample_layout(), 301, 16);
    upload = &swarm.add_torrent("Flow Upload", sample_layout(), 302, 16);
    swarm.start();
  }
  FlowTorrents torrents() const { return {*magnet, *upload}; }

  Swarm swarm;
  SeededTorrent* magnet = nullptr;
  SeededTorrent* upload = nullptr;
};

bool flow_script_installed() {
  return fs::exists(flow_script_dir() / "node_modules" / "@ctrl" /
                    "qbittorrent");
}

TEST(QbitClientFlow, AgainstQbittorrentNox) {
  ASSERT_TRUE(flow_script_installed())
      << "@ctrl/qbittorrent is missing in " << flow_script_dir()
      << "; run scripts/bootstrap.sh --tests";
  TempDir dir("revaer-qbit-flow-nox");
  FlowSwarm swarm(dir);
  QbittorrentNox server(dir / "qbittorrent");

  FlowTarget target{qbit_endpoint(server), "v4.5.2", "2.8.19",
                    {"max_inactive_seeding_time_enabled",
                     "max_inactive_seeding_time"},
                    "pausedUP", false, [&] { return server.log_tail(); }};
  json summary = run_flow(dir, swarm.swarm, swarm.torrents(), target);
  check_summary(summary, target, swarm.torrents());
}

TEST(QbitClientFlow, AgainstRevaerd) {
  ASSERT_TRUE(flow_script_installed())
      << "@ctrl/qbittorrent is missing in " << flow_script_dir()
      << "; run scripts/bootstrap.sh --tests";
  TempDir dir("revaer-qbit-flow");
  RevaerDaemon daemon(dir / "revaer", dir / "logs");
  // revaerd accepts save paths only inside its download root, so the root
  // is the test's folder, which contains every save path of the flow.
  json changeset = loopback_changeset();
  changeset["engine_profile"]["download_root"] = dir.path().string();
  daemon.complete_setup(changeset);
  QbitEndpoint endpoint = qbit_endpoint(daemon);

  std::string missing = missing_qbit_support(endpoint, kFlowRoutes);
  if (!missing.empty()) {
    GTEST_SKIP() << missing;
  }

  FlowSwarm swarm(dir);
  FlowTarget target{endpoint, "v5.1.4", "2.11.4", {}, "stoppedUP", true,
                    [&] { return daemon.log_tail(); }};
  json summary = run_flow(dir, swarm.swarm, swarm.torrents(), target);
  check_summary(summary, target, swarm.torrents());
}

}  // namespace
}  // namespace revaer::test
