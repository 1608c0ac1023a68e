#include "fsops/fsops_meta.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <spdlog/spdlog.h>

#include "core/atomic_file.hpp"

namespace revaer {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kSuffix = ".revaer.meta";
constexpr int kFormatVersion = 1;

json text_or_null(const std::optional<std::string>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<std::string> optional_text(const json& document, const char* key) {
  const auto it = document.find(key);
  if (it == document.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

json to_json(const FsopsMeta& meta) {
  return {{"version", kFormatVersion},
          {"torrent_id", meta.torrent_id},
          {"source", meta.source},
          {"library_root", meta.library_root},
          {"state", meta.state},
          {"finished_stages", meta.finished_stages},
          {"failed_stage", text_or_null(meta.failed_stage)},
          {"error", text_or_null(meta.error)},
          {"library_path", text_or_null(meta.library_path)},
          {"source_is_folder", meta.source_is_folder},
          {"extracted_archives", meta.extracted_archives},
          {"torrent_files", meta.torrent_files},
          {"storage_move_from", text_or_null(meta.storage_move_from)},
          {"storage_move_to", text_or_null(meta.storage_move_to)},
          {"policy", meta.policy},
          {"started_at_ms", meta.started_at_ms},
          {"updated_at_ms", meta.updated_at_ms}};
}

FsopsMeta from_json(const json& document) {
  FsopsMeta meta;
  meta.torrent_id = document.at("torrent_id").get<std::string>();
  meta.source = document.at("source").get<std::string>();
  meta.library_root = document.at("library_root").get<std::string>();
  meta.state = document.at("state").get<std::string>();
  meta.finished_stages = document.at("finished_stages").get<std::vector<std::string>>();
  meta.failed_stage = optional_text(document, "failed_stage");
  meta.error = optional_text(document, "error");
  meta.library_path = optional_text(document, "library_path");
  meta.source_is_folder = document.value("source_is_folder", false);
  meta.extracted_archives = document.value("extracted_archives", std::vector<std::string>{});
  meta.torrent_files = document.value("torrent_files", std::vector<std::string>{});
  meta.storage_move_from = optional_text(document, "storage_move_from");
  meta.storage_move_to = optional_text(document, "storage_move_to");
  meta.policy = document.value("policy", json::object());
  meta.started_at_ms = document.value("started_at_ms", std::int64_t{0});
  meta.updated_at_ms = document.value("updated_at_ms", std::int64_t{0});
  return meta;
}

}  // namespace

bool FsopsMeta::finished(std::string_view stage) const {
  return std::find(finished_stages.begin(), finished_stages.end(), stage) != finished_stages.end();
}

fs::path meta_path(const fs::path& meta_dir, const std::string& torrent_id) {
  return meta_dir / (torrent_id + kSuffix);
}

std::optional<FsopsMeta> load_meta(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return from_json(json::parse(text.str()));
  } catch (const json::exception& error) {
    spdlog::warn("fsops: ignoring unreadable record '{}': {}", path.string(), error.what());
    return std::nullopt;
  }
}

void save_meta(const fs::path& path, const FsopsMeta& meta, bool flush) {
  const fs::path folder = path.parent_path();
  if (fs::create_directories(folder)) {
    fs::permissions(folder, fs::perms::owner_all, fs::perm_options::replace);
  }
  write_file_atomically(path, to_json(meta).dump(2) + "\n", flush);
}

std::vector<FsopsMeta> interrupted_jobs(const fs::path& meta_dir) {
  std::vector<FsopsMeta> jobs;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(meta_dir, error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= std::string_view(kSuffix).size() ||
        name.compare(name.size() - std::string_view(kSuffix).size(), std::string::npos, kSuffix) !=
            0) {
      continue;
    }
    auto meta = load_meta(entry.path());
    if (meta && meta->state == "running") {
      jobs.push_back(std::move(*meta));
    }
  }
  std::sort(jobs.begin(), jobs.end(), [](const FsopsMeta& a, const FsopsMeta& b) {
    return a.started_at_ms < b.started_at_ms;
  });
  return jobs;
}

}  // namespace revaer
