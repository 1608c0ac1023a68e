#pragma once

#include <filesystem>
#include <string>

#include "core/result.hpp"

namespace revaer {

enum class TransferMode { hardlink, copy };

struct TransferOutcome {
  std::filesystem::path library_path;  // where the payload now is
  // Set when a hardlink was impossible because source and library are on
  // different filesystems (link() failed with EXDEV) and files were copied.
  bool copied_across_devices = false;
};

// Places the payload `source` (a file or a folder) into `library_root`
// under the same name. The tree is built in a hidden staging folder inside
// `library_root` and renamed into place when complete, so the library never
// shows a partial payload. Only regular files and folders are transferred;
// symbolic links are skipped. Fails (409) when the destination name already
// exists, and leaves `source` untouched in every case.
Result<TransferOutcome> transfer_to_library(
    const std::filesystem::path& source,
    const std::filesystem::path& library_root, TransferMode mode);

}  // namespace revaer
