#include "engine/libtorrent/file_selection.hpp"

#include <string>

#include <libtorrent/file_storage.hpp>

#include "core/path_glob.hpp"

namespace revaer {
namespace {

std::optional<Problem> check_globs(const std::vector<std::string>& globs, std::string_view pointer,
                                   const char* member) {
  for (std::size_t i = 0; i < globs.size(); ++i) {
    if (std::optional<std::string> reason = glob_error(globs[i])) {
      const std::string location = std::string(pointer) + "/" + member + "/" + std::to_string(i);
      return Problem::unprocessable("invalid glob '" + globs[i] + "': " + *reason,
                                    {{location, *reason}});
    }
  }
  return std::nullopt;
}

bool is_selected(const FileSelection& selection, const std::string& path) {
  if (!selection.include.empty()) {
    bool included = false;
    for (const std::string& glob : selection.include) {
      if (path_glob_matches(glob, path)) {
        included = true;
        break;
      }
    }
    if (!included) return false;
  }
  for (const std::string& glob : selection.exclude) {
    if (path_glob_matches(glob, path)) return false;
  }
  return !(selection.skip_fluff && is_fluff_path(path));
}

lt::download_priority_t priority_at(const std::vector<lt::download_priority_t>& priorities,
                                    std::size_t index) {
  return index < priorities.size() ? priorities[index] : lt::default_priority;
}

}  // namespace

std::optional<lt::download_priority_t> priority_value(std::string_view name) {
  if (name == "skip") return lt::dont_download;
  if (name == "low") return lt::low_priority;
  if (name == "normal") return lt::default_priority;
  if (name == "high") return lt::top_priority;
  return std::nullopt;
}

std::optional<Problem> validate_selection(const FileSelection& selection,
                                          std::optional<int> file_count,
                                          std::string_view pointer) {
  if (auto problem = check_globs(selection.include, pointer, "include")) return problem;
  if (auto problem = check_globs(selection.exclude, pointer, "exclude")) return problem;

  for (std::size_t i = 0; i < selection.priorities.size(); ++i) {
    const auto& [index, name] = selection.priorities[i];
    const std::string location = std::string(pointer) + "/priorities/" + std::to_string(i);
    if (!priority_value(name)) {
      return Problem::unprocessable("invalid file priority '" + name + "'",
                                    {{location + "/priority", "must be skip, low, normal or high"}});
    }
    if (index < 0 || (file_count && index >= *file_count)) {
      const std::string range =
          file_count ? "must be a file index from 0 to " + std::to_string(*file_count - 1)
                     : "must be a file index of 0 or more";
      return Problem::unprocessable("file index " + std::to_string(index) + " is out of range",
                                    {{location + "/index", range}});
    }
  }
  return std::nullopt;
}

std::vector<lt::download_priority_t> selection_priorities(const lt::file_storage& files,
                                                          const FileSelection& selection) {
  std::vector<lt::download_priority_t> priorities(static_cast<std::size_t>(files.num_files()),
                                                  lt::default_priority);
  for (const lt::file_index_t index : files.file_range()) {
    const auto position = static_cast<std::size_t>(static_cast<int>(index));
    if (files.pad_file_at(index)) {
      priorities[position] = lt::dont_download;
    } else if (!is_selected(selection, files.file_path(index))) {
      priorities[position] = lt::dont_download;
    }
  }
  // Explicit priorities apply to selected files only, so an exclude glob
  // keeps a file unselected whatever priority its entry sets.
  for (const auto& [index, name] : selection.priorities) {
    if (index < 0 || index >= files.num_files()) continue;
    const auto position = static_cast<std::size_t>(index);
    if (files.pad_file_at(lt::file_index_t{index})) continue;
    if (priorities[position] == lt::dont_download) continue;
    priorities[position] = priority_value(name).value_or(lt::default_priority);
  }
  return priorities;
}

bool same_file_priorities(const lt::file_storage& files,
                          const std::vector<lt::download_priority_t>& current,
                          const std::vector<lt::download_priority_t>& expected) {
  for (const lt::file_index_t index : files.file_range()) {
    if (files.pad_file_at(index)) continue;
    const auto position = static_cast<std::size_t>(static_cast<int>(index));
    if (priority_at(current, position) != priority_at(expected, position)) return false;
  }
  return true;
}

}  // namespace revaer
