// Post-processing on a revaerd that runs as the unprivileged user
// "nobody", so permission bits apply (root ignores them). A library root
// the daemon may not write fails the job until the permissions are fixed,
// and a download folder it may not write fails the engine's move at once
// with the engine's reason. Both jobs then succeed on the postprocess
// action.

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/checks.hpp"
#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/swarm.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

constexpr auto kJobTimeout = seconds(240);

void change_owner(const fs::path& path, const DaemonUser& user) {
  if (::lchown(path.c_str(), user.uid, user.gid) != 0) {
    throw std::system_error(errno, std::generic_category(), "lchown '" + path.string() + "'");
  }
}

// Gives `root` and everything under it to `user`.
void give_tree(const fs::path& root, const DaemonUser& user) {
  change_owner(root, user);
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    change_owner(entry.path(), user);
  }
}

// Creates `folder` owned by `user`.
fs::path user_folder(const fs::path& folder, const DaemonUser& user) {
  fs::create_directories(folder);
  change_owner(folder, user);
  return folder;
}

bool in_library_or_failed(const json& status) {
  return library_ready(status) || torrent_failed(status);
}

std::vector<std::string> entries_of(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

// The reason of the degraded "fsops" component in GET /health/full, or
// nullopt when it is not degraded.
std::optional<std::string> fsops_degraded_reason(const RevaerDaemon& daemon) {
  const client::HttpResponse response = daemon.send("GET", "/health/full");
  const json health = json::parse(response.body, nullptr, false);
  if (response.status != 200 || !health.is_object()) {
    throw std::runtime_error("GET /health/full answered " + std::to_string(response.status) +
                             ": " + response.body);
  }
  for (const json& entry : health.value("degraded", json::array())) {
    if (entry.value("component", "") == "fsops") {
      return entry.value("reason", "");
    }
  }
  return std::nullopt;
}

client::HttpResponse request_postprocess(const RevaerDaemon& daemon, const std::string& id) {
  return daemon.send("POST", "/v1/torrents/" + id + "/action",
                     json{{"type", "postprocess"}}.dump());
}

// `revaer tail --output json` for the post-processing outcomes, started
// before the jobs so it prints each event once, with its output in a file.
class OutcomeTail {
 public:
  OutcomeTail(const RevaerDaemon& daemon, fs::path output)
      : output_(std::move(output)),
        process_({REVAER_BINARY_DIR "/revaer", "--api-url", daemon.api_url(), "--api-key",
                  daemon.api_key(), "--output", "json", "tail", "--event",
                  "fsops_failed,fsops_completed"},
                 Environment{}, output_, output_.string() + ".stderr") {}

  // Waits for an event of `kind` about torrent `id` and returns its
  // payload, or null when none arrives within 60 s.
  json wait_for(const std::string& kind, const std::string& id) {
    json found;
    wait_until(
        [&] {
          found = find(kind, id);
          return !found.is_null();
        },
        seconds(60));
    return found;
  }

  std::string text() const { return tail_of_file(output_, 20000); }

 private:
  json find(const std::string& kind, const std::string& id) const {
    const std::string output = text();
    std::size_t start = 0;
    while (start < output.size()) {
      std::size_t end = output.find('\n', start);
      if (end == std::string::npos) {
        break;  // a line still being written
      }
      const json event = json::parse(output.substr(start, end - start), nullptr, false);
      start = end + 1;
      if (event.is_object() && event.value("kind", "") == kind &&
          event.value("data", json::object()).value("torrent_id", "") == id) {
        return event.at("data");
      }
    }
    return nullptr;
  }

  fs::path output_;
  Process process_;
};

class FsopsPermissions : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    user_ = unprivileged_user(reason);
    if (!user_) {
      GTEST_SKIP() << "cannot run revaerd as an unprivileged user: " << reason;
    }
    // mkdtemp makes the folder 0700, which would keep the daemon's user out.
    fs::permissions(dir_.path(), fs::perms(0755));
  }

  // Starts revaerd as the unprivileged user, with its download root and
  // `library` owned by that user, and completes setup with `fs_policy`.
  void start_daemon(json fs_policy) {
    user_folder(downloads(), *user_);
    user_folder(library(), *user_);
    daemon_ = std::make_unique<RevaerDaemon>(dir_ / "revaer", dir_ / "logs", user_);
    json changeset = loopback_changeset();
    changeset["engine_profile"]["download_root"] = downloads().string();
    fs_policy["library_root"] = library().string();
    changeset["fs_policy"] = fs_policy;
    daemon_->complete_setup(changeset);
    tail_ = std::make_unique<OutcomeTail>(*daemon_, dir_ / "logs" / "fsops-events.jsonl");
  }

  fs::path downloads() const { return dir_ / "downloads"; }
  fs::path library() const { return dir_ / "library"; }

  json wait_for_outcome(const std::string& id) {
    return wait_for_torrent(daemon_->cli(), id, in_library_or_failed, kJobTimeout,
                            "finish post-processing");
  }

  TempDir dir_{"revaer-e2e-fsops-permissions"};
  std::optional<DaemonUser> user_;
  std::unique_ptr<RevaerDaemon> daemon_;
  std::unique_ptr<OutcomeTail> tail_;
};

TEST_F(FsopsPermissions, DeniedLibraryRootThenRetry) {
  Swarm swarm(dir_ / "swarm");
  SeededTorrent& torrent = swarm.add_torrent("Denied Pack", sample_layout(), 404, 16);
  swarm.start();
  start_daemon({{"move_mode", "copy"}});
  // The daemon's user owns the library root but may not write to it.
  fs::permissions(library(), fs::perms(0555));

  const std::string id =
      daemon_->cli().run_ok({"torrent", "add", torrent.torrent_path.string()}).at("id");
  const json failed = wait_for_outcome(id);
  ASSERT_TRUE(torrent_failed(failed)) << failed.dump(2);
  const json& fsops = failed.at("fsops");
  EXPECT_EQ(fsops.value("state", ""), "failed");
  EXPECT_EQ(fsops.value("step", ""), "locate_source");
  const std::string error = fsops.value("error", "");
  EXPECT_NE(error.find("Permission denied (EACCES)"), std::string::npos) << error;
  EXPECT_NE(error.find(library().string()), std::string::npos) << error;

  const json failed_event = tail_->wait_for("fsops_failed", id);
  ASSERT_FALSE(failed_event.is_null()) << "no fsops_failed event:\n" << tail_->text();
  EXPECT_EQ(failed_event.value("step", ""), "locate_source");
  EXPECT_EQ(failed_event.value("error", ""), error);

  const std::optional<std::string> degraded = fsops_degraded_reason(*daemon_);
  ASSERT_TRUE(degraded.has_value()) << "fsops is not degraded in /health/full";
  EXPECT_NE(degraded->find(id), std::string::npos) << *degraded;
  EXPECT_NE(degraded->find("Permission denied"), std::string::npos) << *degraded;

  expect_tree_matches(torrent.sha256, downloads() / torrent.name, "download after the failure");
  EXPECT_TRUE(entries_of(library()).empty()) << "the failed job wrote into the library";

  // Once the daemon's user may write to the library, the rerun completes.
  fs::permissions(library(), fs::perms(0755));
  const client::HttpResponse rerun = request_postprocess(*daemon_, id);
  ASSERT_EQ(rerun.status, 202) << rerun.body;
  const json done = wait_for_outcome(id);
  ASSERT_TRUE(library_ready(done)) << done.dump(2) << daemon_->log_tail();
  EXPECT_EQ(done.value("library_path", ""), (library() / torrent.name).string());
  expect_tree_matches(torrent.sha256, library() / torrent.name, "library");
  expect_tree_matches(torrent.sha256, downloads() / torrent.name, "download after the rerun");
  EXPECT_EQ(entries_of(library()), std::vector<std::string>{torrent.name});

  EXPECT_FALSE(tail_->wait_for("fsops_completed", id).is_null())
      << "no fsops_completed event:\n" << tail_->text();
  EXPECT_EQ(fsops_degraded_reason(*daemon_), std::nullopt);
}

TEST_F(FsopsPermissions, UnmovableFilesFailEngineMove) {
  start_daemon({{"move_mode", "move"}});
  const std::string name = "Pinned Pack";
  const fs::path payload = downloads() / name;
  write_content(payload, sample_layout(), 505);
  const auto expected = hash_tree(payload);
  // The daemon's user owns the files, so it can read and seed them, but
  // not their folders, so it cannot rename them away: the engine's move
  // fails with EACCES and rolls back.
  for (const auto& entry : fs::recursive_directory_iterator(payload)) {
    if (!entry.is_directory()) {
      change_owner(entry.path(), *user_);
    }
  }

  const json create = {{"path", payload.string()}, {"piece_size", 65536}, {"seed", true}};
  const client::HttpResponse created = daemon_->send("POST", "/v1/torrents/create", create.dump());
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = json::parse(created.body).at("id");

  const json failed = wait_for_outcome(id);
  ASSERT_TRUE(torrent_failed(failed)) << failed.dump(2);
  const json& fsops = failed.at("fsops");
  EXPECT_EQ(fsops.value("step", ""), "transfer");
  // The reason is the engine's, not the stall timeout's.
  const std::string error = fsops.value("error", "");
  EXPECT_NE(error.find("the engine could not move the files of torrent " + id), std::string::npos)
      << error;
  EXPECT_NE(error.find("Permission denied"), std::string::npos) << error;
  EXPECT_EQ(error.find("no progress"), std::string::npos) << error;
  EXPECT_EQ(failed.value("download_dir", ""), downloads().string());
  const std::string move_error = failed.value("storage_move_error", "");
  EXPECT_NE(move_error.find("Permission denied"), std::string::npos) << failed.dump(2);
  expect_tree_matches(expected, payload, "download after the failed move");

  const json failed_event = tail_->wait_for("fsops_failed", id);
  ASSERT_FALSE(failed_event.is_null()) << "no fsops_failed event:\n" << tail_->text();
  EXPECT_EQ(failed_event.value("error", ""), error);

  // With the folders given to the daemon's user, the rerun moves them.
  give_tree(payload, *user_);
  const client::HttpResponse rerun = request_postprocess(*daemon_, id);
  ASSERT_EQ(rerun.status, 202) << rerun.body;
  const json done = wait_for_outcome(id);
  ASSERT_TRUE(library_ready(done)) << done.dump(2) << daemon_->log_tail();
  EXPECT_EQ(done.value("download_dir", ""), library().string());
  EXPECT_FALSE(done.contains("storage_move_error")) << done.dump(2);
  expect_tree_matches(expected, library() / name, "library");
  EXPECT_FALSE(fs::exists(payload)) << "the download folder kept the payload";
  EXPECT_EQ(fsops_degraded_reason(*daemon_), std::nullopt);
}

}  // namespace
}  // namespace revaer::test
