#include "api/qbit/qbit_save_path.hpp"

#include <filesystem>

#include "api/qbit/qbit_label_names.hpp"

namespace revaer {

std::string resolve_qbit_save_path(std::string_view path, const ConfigSnapshot& snapshot) {
  const std::string trimmed = trim_ascii_whitespace(path);
  if (trimmed.empty()) return "";
  std::filesystem::path resolved(trimmed);
  if (!resolved.is_absolute()) {
    resolved = std::filesystem::path(snapshot.engine_profile.value("download_root", "/")) / resolved;
  }
  std::string normal = resolved.lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return normal;
}

}  // namespace revaer
