// Kills revaerd with SIGKILL before each post-processing stage of a real
// job and checks that the restarted daemon finishes the job with a library
// tree identical (paths, bytes, modes) to an uninterrupted run.
//
// The daemon pauses before the stage that REVAER_TEST_ONLY_FSOPS_PAUSE_BEFORE
// names. The test waits until the torrent's detail and the daemon log show
// the pause, kills the daemon and restarts it without the variable.

#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/content.hpp"
#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kPauseVariable = "REVAER_TEST_ONLY_FSOPS_PAUSE_BEFORE";
const std::string kName = "Kill Pack";

// Sets an environment variable for the daemons started in its lifetime.
class ScopedVariable {
 public:
  ScopedVariable(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedVariable() { ::unsetenv(name_); }

  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;

 private:
  const char* name_;
};

// One entry of a library tree: a file's SHA-256 (empty for a folder) and
// its permission bits.
struct EntryFacts {
  std::string sha256;
  unsigned mode = 0;
  bool operator==(const EntryFacts&) const = default;
};

std::ostream& operator<<(std::ostream& out, const EntryFacts& facts) {
  return out << "{" << (facts.sha256.empty() ? "folder" : facts.sha256.substr(0, 12))
             << ", mode 0" << std::oct << facts.mode << std::dec << "}";
}

// Every file and folder under `root` (itself included as ".") by path.
std::map<std::string, EntryFacts> tree_facts(const fs::path& root) {
  std::map<std::string, EntryFacts> facts;
  const auto mode_of = [](const fs::path& path) {
    struct stat info {};
    ::lstat(path.c_str(), &info);
    return static_cast<unsigned>(info.st_mode & 07777);
  };
  if (!fs::exists(root)) {
    return facts;
  }
  facts["."] = EntryFacts{"", mode_of(root)};
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string relative = entry.path().lexically_relative(root).generic_string();
    const bool folder = entry.is_directory() && !entry.is_symlink();
    facts[relative] =
        EntryFacts{folder ? "" : sha256_of_file(entry.path()), mode_of(entry.path())};
  }
  return facts;
}

void run_or_fail(const std::vector<std::string>& argv) {
  const CommandResult result = run_command(argv);
  ASSERT_EQ(result.exit_code(), 0) << argv.front() << ": " << result.stdout_text
                                   << result.stderr_text;
}

// Writes a payload that every stage has work for: a par2 set, a zip to
// extract, fluff for cleanup and a nested folder to flatten.
void write_payload(const fs::path& parent) {
  const fs::path root = parent / kName;
  write_content(root, {{"video.mkv", 300000}, {"info.nfo", 900}, {"Sample/sample.mkv", 40000}},
                11);
  const fs::path bonus = parent / "bonus-source";
  write_content(bonus, {{"bonus.mkv", 120000}, {"bonus.txt", 500}}, 12);
  run_or_fail({"bsdtar", "-a", "-cf", (root / "extras.zip").string(), "-C", bonus.string(),
               "bonus.mkv", "bonus.txt"});
  fs::remove_all(bonus);
  run_or_fail({"par2", "create", "-q", "-s10000", "-c3", (root / "video.par2").string(),
               (root / "video.mkv").string(), (root / "extras.zip").string()});
}

json kill_policy(const fs::path& library, const std::string& move_mode) {
  return {{"library_root", library.string()},
          {"move_mode", move_mode},
          {"par2", "repair"},
          {"extract", true},
          {"flatten", move_mode != "move"},
          {"cleanup_drop", {"@skip_fluff", "*.par2"}},
          {"chmod_file", "0640"},
          {"chmod_dir", "0750"}};
}

bool in_library_or_failed(const json& status) {
  return library_ready(status) || torrent_failed(status);
}

// A daemon on `dir` that seeds a copy of `payload_source` and
// post-processes it into `dir`/library.
class KillRun {
 public:
  KillRun(const fs::path& dir, const fs::path& payload_source,
          const std::string& move_mode = "copy")
      : dir_(dir), daemon_(dir / "revaer", dir / "logs") {
    fs::create_directories(downloads());
    fs::copy(payload_source, downloads() / kName, fs::copy_options::recursive);
    json changeset = loopback_changeset();
    changeset["engine_profile"]["download_root"] = downloads().string();
    changeset["fs_policy"] = kill_policy(library(), move_mode);
    daemon_.complete_setup(changeset);
  }

  fs::path downloads() const { return dir_ / "downloads"; }
  fs::path library() const { return dir_ / "library"; }
  RevaerDaemon& daemon() { return daemon_; }

  // Creates the torrent from the payload and seeds it, which queues its
  // post-processing. Returns the torrent id.
  std::string seed_payload() {
    const json request = {
        {"path", (downloads() / kName).string()}, {"piece_size", 32768}, {"seed", true}};
    const client::HttpResponse created =
        daemon_.send("POST", "/v1/torrents/create", request.dump());
    if (created.status != 200) {
      throw std::runtime_error("POST /v1/torrents/create failed: " + created.body);
    }
    return json::parse(created.body).at("id");
  }

  // Waits until the daemon log shows the job paused before `stage`.
  bool wait_for_pause(const std::string& stage) {
    return wait_until(
        [&] {
          return daemon_.log_tail().find("fsops: waiting before stage " + stage) !=
                 std::string::npos;
        },
        seconds(120));
  }

  json wait_for_library(const std::string& id) {
    return wait_for_torrent(daemon_.cli(), id, in_library_or_failed, seconds(180),
                            "reach the library");
  }

  // Starts the daemon again and waits for the job to end.
  json restart(const std::string& id) {
    daemon_.start();
    return wait_for_library(id);
  }

 private:
  fs::path dir_;
  RevaerDaemon daemon_;
};

class FsopsKill : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_dir_ = std::make_unique<TempDir>("revaer-e2e-fsops-kill-source");
    write_payload(source_dir_->path());
  }
  static void TearDownTestSuite() { source_dir_.reset(); }

  static fs::path payload_source() { return source_dir_->path() / kName; }

  // Starts a run in `dir` whose job pauses before `stage`, waits until the
  // torrent's detail and the daemon log show the pause, and kills the
  // daemon with SIGKILL. Returns the torrent id. Throws
  // std::runtime_error when the job fails or does not pause.
  static std::string kill_before(std::optional<KillRun>& run, const fs::path& dir,
                                 const std::string& move_mode, const std::string& stage) {
    ScopedVariable pause(kPauseVariable, stage);
    run.emplace(dir, payload_source(), move_mode);
    const std::string id = run->seed_payload();
    const json paused = wait_for_torrent(
        run->daemon().cli(), id,
        [&](const json& status) {
          return status.value(json::json_pointer("/fsops/step"), json()) == stage ||
                 torrent_failed(status);
        },
        seconds(120), "reach stage " + stage);
    if (torrent_failed(paused) || !run->wait_for_pause(stage)) {
      throw std::runtime_error("the job did not pause before stage " + stage + ": " +
                               paused.dump() + "\ndaemon log:\n" + run->daemon().log_tail());
    }
    run->daemon().kill9();
    return id;
  }

  static inline std::unique_ptr<TempDir> source_dir_;
};

TEST_F(FsopsKill, RestartAfterKillMatchesUninterruptedRun) {
  TempDir reference_dir("revaer-e2e-fsops-kill-reference");
  std::map<std::string, EntryFacts> expected;
  {
    KillRun run(reference_dir.path(), payload_source());
    const std::string id = run.seed_payload();
    const json status = run.wait_for_library(id);
    ASSERT_FALSE(torrent_failed(status)) << status.dump(2) << run.daemon().log_tail();
    expected = tree_facts(run.library() / kName);
  }
  // The reference shows that every stage had work to do.
  ASSERT_TRUE(expected.contains("bonus.mkv")) << "extract or flatten did nothing";
  EXPECT_FALSE(expected.contains("info.nfo")) << "cleanup did nothing";
  EXPECT_FALSE(expected.contains("video.par2")) << "cleanup did nothing";
  EXPECT_FALSE(expected.contains("extras.zip")) << "the extracted archive was copied";
  EXPECT_EQ(expected.at("video.mkv").mode, 0640u);
  EXPECT_EQ(expected.at(".").mode, 0750u);

  const std::vector<std::string> stages = {
      "validate_policy", "check_allow_paths", "locate_source", "par2",    "extract",
      "flatten",         "transfer",          "permissions",   "cleanup", "finalise"};
  for (const std::string& stage : stages) {
    SCOPED_TRACE("killed before stage " + stage);
    TempDir dir("revaer-e2e-fsops-kill");
    std::optional<KillRun> run;
    const std::string id = kill_before(run, dir.path(), "copy", stage);
    EXPECT_FALSE(fs::exists(run->library() / kName)) << "a partial payload is in the library";

    const json status = run->restart(id);
    ASSERT_FALSE(torrent_failed(status)) << status.dump(2) << run->daemon().log_tail();
    if (stage != stages.front()) {
      // The first stage saves the job record, so later kills resume it.
      EXPECT_NE(run->daemon().log_tail().find("fsops: resuming torrent " + id), std::string::npos)
          << run->daemon().log_tail();
    }
    EXPECT_EQ(tree_facts(run->library() / kName), expected);
    EXPECT_EQ(tree_facts(run->downloads() / kName), tree_facts(payload_source()))
        << "the download folder changed";
    std::vector<std::string> library_entries;
    for (const auto& entry : fs::directory_iterator(run->library())) {
      library_entries.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(library_entries, std::vector<std::string>{kName}) << "the staging area is left";
  }
}

// With move_mode "move" the engine has moved the torrent into the staging
// area when the daemon dies before permissions or finalise. The restarted
// daemon reports the torrent there, and the job still completes.
TEST_F(FsopsKill, MoveJobResumesAfterKill) {
  TempDir reference_dir("revaer-e2e-fsops-kill-move-reference");
  std::map<std::string, EntryFacts> expected;
  {
    KillRun run(reference_dir.path(), payload_source(), "move");
    const json status = run.wait_for_library(run.seed_payload());
    ASSERT_FALSE(torrent_failed(status)) << status.dump(2) << run.daemon().log_tail();
    expected = tree_facts(run.library() / kName);
  }
  ASSERT_TRUE(expected.contains("bonus.mkv")) << "nothing was extracted";
  ASSERT_TRUE(expected.contains("video.par2")) << "a torrent file was cleaned up";

  for (const std::string stage : {"permissions", "finalise"}) {
    SCOPED_TRACE("killed before stage " + stage);
    TempDir dir("revaer-e2e-fsops-kill-move");
    std::optional<KillRun> run;
    const std::string id = kill_before(run, dir.path(), "move", stage);
    EXPECT_FALSE(fs::exists(run->library() / kName)) << "a partial payload is in the library";

    const json status = run->restart(id);
    ASSERT_FALSE(torrent_failed(status)) << status.dump(2) << run->daemon().log_tail();
    EXPECT_EQ(status.value("download_dir", ""), run->library().string());
    EXPECT_EQ(tree_facts(run->library() / kName), expected);
    EXPECT_FALSE(fs::exists(run->downloads() / kName)) << "the download folder kept files";
  }
}

}  // namespace
}  // namespace revaer::test
