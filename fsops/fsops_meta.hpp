#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace revaer {

// The post-processing stages in the order they run.
inline constexpr std::array<std::string_view, 10> kFsopsStages = {
    "validate_policy", "check_allow_paths", "locate_source", "par2",    "extract",
    "flatten",         "transfer",          "permissions",   "cleanup", "finalise",
};

// The progress record of one torrent's post-processing job, kept as
// `<meta_dir>/<torrent_id>.revaer.meta` (JSON) and replaced atomically
// after every stage, so a restarted job resumes at its first unfinished
// stage and a completed job is not run again.
struct FsopsMeta {
  std::string torrent_id;
  std::string source;             // the payload in the download folder
  std::string library_root;       // from the policy of the first run
  std::string state = "running";  // running|failed|completed
  std::vector<std::string> finished_stages;
  std::optional<std::string> failed_stage;
  std::optional<std::string> error;
  std::optional<std::string> library_path;  // set once completed
  bool source_is_folder = false;
  // Archive volumes that extraction unpacked, relative to the payload
  // root; transfer leaves them out of the library.
  std::vector<std::string> extracted_archives;
  // move_mode "move" only: the torrent's files, relative to its download
  // folder (so each starts with the payload name), listed before the first
  // move.
  std::vector<std::string> torrent_files;
  // move_mode "move" only: set while the engine moves the torrent's files
  // from `storage_move_from` to `storage_move_to`, so a restart can put
  // the files of an interrupted move back where the engine looks for them.
  std::optional<std::string> storage_move_from;
  std::optional<std::string> storage_move_to;
  nlohmann::json policy = nlohmann::json::object();  // of the latest run
  std::int64_t started_at_ms = 0;
  std::int64_t updated_at_ms = 0;

  bool finished(std::string_view stage) const;
};

std::filesystem::path meta_path(const std::filesystem::path& meta_dir,
                                const std::string& torrent_id);

// Reads a record. Returns nullopt when there is none; a record that cannot
// be parsed is logged and treated as absent, so the job starts over.
std::optional<FsopsMeta> load_meta(const std::filesystem::path& path);

// Writes a record atomically, creating its folder (mode 0700) when missing.
// Without `flush` the record survives a killed process but maybe not a
// power loss (see write_file_atomically). Throws std::system_error.
void save_meta(const std::filesystem::path& path, const FsopsMeta& meta, bool flush = true);

// Lists the records in `meta_dir` whose state is "running": jobs that a
// crash or a stop interrupted.
std::vector<FsopsMeta> interrupted_jobs(const std::filesystem::path& meta_dir);

}  // namespace revaer
