// The par2 and extract stages.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <regex>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "fsops/archive_sets.hpp"
#include "fsops/file_placement.hpp"
#include "fsops/fsops_stages.hpp"
#include "fsops/program_runner.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

// par2cmdline 0.8 exit codes.
constexpr int kPar2Success = 0;
constexpr int kPar2RepairPossible = 1;
constexpr int kPar2RepairImpossible = 2;

bool is_par2_index(const std::string& relative_path) {
  static const std::regex kIndex(R"(.*\.par2)", std::regex::icase);
  static const std::regex kVolume(R"(.*\.vol[0-9]+[+-][0-9]+\.par2)", std::regex::icase);
  return std::regex_match(relative_path, kIndex) && !std::regex_match(relative_path, kVolume);
}

std::string last_line(const std::string& output) {
  std::string text = output;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  const auto newline = text.find_last_of("\r\n");
  return newline == std::string::npos ? text : text.substr(newline + 1);
}

Result<ProgramExit> run_par2(const StageContext& context, const char* command,
                             const fs::path& index) {
  auto exit = run_program({context.options.par2_program, command, "-q", index.string()});
  if (exit && exit.value().signal != 0) {
    return Problem::internal("par2 " + std::string(command) + " of '" + index.string() +
                             "' was ended by signal " + std::to_string(exit.value().signal));
  }
  return exit;
}

// Links (or, across filesystems, copies) every regular file of the folder
// holding `index` into `work`, so par2 can repair there: par2cmdline
// renames a damaged file to "<name>.1" and writes the repaired file anew,
// which leaves the linked download file untouched.
void prepare_repair_folder(const fs::path& folder, const fs::path& work,
                           std::optional<mode_t> umask) {
  fs::remove_all(work);
  create_folders(work, umask);
  for (const fs::directory_entry& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && !entry.is_symlink()) {
      place_file(entry.path(), work / entry.path().filename(), PlacementOptions{true, umask});
    }
  }
}

// Returns the names of the files par2 repaired (a "<name>.1" backup sits
// beside them) or recreated (absent from `folder`) in `work`.
std::vector<std::string> repaired_names(const fs::path& folder, const fs::path& work) {
  std::vector<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(work)) {
    const std::string name = entry.path().filename().string();
    const bool is_backup =
        name.ends_with(".1") && fs::exists(work / name.substr(0, name.size() - 2));
    if (!entry.is_regular_file() || entry.is_symlink() || is_backup) {
      continue;
    }
    if (fs::exists(work / (name + ".1")) || !fs::exists(folder / name)) {
      names.push_back(name);
    }
  }
  return names;
}

// Moves the files par2 repaired or recreated in `work` into `target`.
std::vector<std::string> collect_repaired(const fs::path& folder, const fs::path& work,
                                          const fs::path& target, std::optional<mode_t> umask) {
  const std::vector<std::string> names = repaired_names(folder, work);
  for (const std::string& name : names) {
    create_folders(target, umask);
    if (::rename((work / name).c_str(), (target / name).c_str()) != 0) {
      throw_file_error(errno, "move the repaired '" + name + "' to '" + target.string() + "'");
    }
  }
  fs::remove_all(work);
  return names;
}

Status verify_or_repair(StageContext& context, const std::string& relative) {
  const fs::path index = context.job.source / relative;
  auto verified = run_par2(context, "verify", index);
  if (!verified) {
    return verified.problem();
  }
  const int code = verified.value().exit_code;
  if (code == kPar2Success) {
    spdlog::info("fsops: torrent {}: par2 verified '{}'", context.job.torrent_id, relative);
    return Done{};
  }
  if (code == kPar2RepairImpossible) {
    return Problem::unprocessable(
        "par2 found damage in '" + relative +
        "' that cannot be repaired: " + last_line(verified.value().output_tail));
  }
  if (code != kPar2RepairPossible) {
    return Problem::internal("par2 verify of '" + relative + "' failed with exit code " +
                             std::to_string(code) + ": " + last_line(verified.value().output_tail));
  }
  if (context.policy.move_mode == "move") {
    return Problem::unprocessable("par2 found damaged files in '" + relative +
                                  "'; move_mode 'move' keeps the torrent's own files, so "
                                  "repaired files cannot replace them; use copy or hardlink");
  }
  if (context.policy.par2 != "repair") {
    return Problem::unprocessable("par2 found damaged files in '" + relative +
                                  "'; set fs_policy.par2 to \"repair\" to repair them");
  }

  const fs::path relative_folder = fs::path(relative).parent_path();
  const fs::path work = context.staging_root() / "par2";
  const auto umask = context.resolved.umask;
  prepare_repair_folder(index.parent_path(), work, umask);
  auto repaired = run_par2(context, "repair", work / index.filename());
  if (!repaired) {
    return repaired.problem();
  }
  if (repaired.value().exit_code != kPar2Success) {
    fs::remove_all(work);
    return Problem::unprocessable("par2 could not repair '" + relative + "' (exit code " +
                                  std::to_string(repaired.value().exit_code) +
                                  "): " + last_line(repaired.value().output_tail));
  }
  const auto names =
      collect_repaired(index.parent_path(), work, context.tree() / relative_folder, umask);
  spdlog::info("fsops: torrent {}: par2 repaired {} file(s) of '{}'", context.job.torrent_id,
               names.size(), relative);
  return Done{};
}

}  // namespace

Status stage_par2(StageContext& context) {
  if (context.policy.par2 == "disabled" || !context.meta.source_is_folder) {
    return context.skip();
  }
  for (const std::string& relative : list_regular_files(context.job.source)) {
    if (!is_par2_index(relative)) {
      continue;
    }
    Status done = verify_or_repair(context, relative);
    if (!done) {
      return done;
    }
  }
  return Done{};
}

Status stage_extract(StageContext& context) {
  if (!context.policy.extract || !context.meta.source_is_folder) {
    return context.skip();
  }
  const fs::path work = context.staging_root() / "extract";
  const auto umask = context.resolved.umask;
  fs::remove_all(work);
  context.meta.extracted_archives.clear();

  ExtractOptions options{context.options.extract_limits, 0, umask};
  for (const ArchiveSet& set : find_archive_sets(list_regular_files(context.job.source))) {
    std::vector<fs::path> volumes;
    for (const std::string& relative : set.volumes) {
      // A volume par2 repaired is read from the staged tree.
      const fs::path repaired = context.tree() / relative;
      volumes.push_back(fs::is_regular_file(fs::symlink_status(repaired))
                            ? repaired
                            : context.job.source / relative);
    }
    const fs::path destination = work / fs::path(set.volumes.front()).parent_path();
    create_folders(destination, umask);
    auto summary = extract_archive(volumes, destination, options);
    if (!summary) {
      fs::remove_all(work);
      return summary.problem();
    }
    options.already_extracted += summary.value().bytes;
    spdlog::info("fsops: torrent {}: extracted {} file(s), {} bytes from '{}'",
                 context.job.torrent_id, summary.value().files, summary.value().bytes,
                 set.volumes.front());
    context.meta.extracted_archives.insert(context.meta.extracted_archives.end(),
                                           set.volumes.begin(), set.volumes.end());
  }
  if (fs::exists(work)) {
    merge_folder(work, context.tree(), umask);
  }
  return Done{};
}

}  // namespace revaer
