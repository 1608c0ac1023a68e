#include "fsops/library_transfer.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <unistd.h>

#include "core/crypto.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

struct TransferState {
  TransferMode mode;
  bool copied_across_devices = false;
};

// Links or copies one regular file. Throws std::system_error.
void place_file(const fs::path& from, const fs::path& to,
                TransferState& state) {
  if (state.mode == TransferMode::hardlink) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      return;
    }
    if (errno != EXDEV) {
      throw std::system_error(errno, std::generic_category(),
                              "could not link '" + from.string() + "'");
    }
    state.copied_across_devices = true;
  }
  fs::copy_file(from, to, fs::copy_options::none);
}

void place_tree(const fs::path& from, const fs::path& to,
                TransferState& state) {
  const fs::file_status status = fs::symlink_status(from);
  if (fs::is_regular_file(status)) {
    place_file(from, to, state);
    return;
  }
  if (!fs::is_directory(status)) {
    return;  // symbolic links, sockets and devices are never transferred
  }
  fs::create_directory(to);
  for (const fs::directory_entry& entry : fs::directory_iterator(from)) {
    place_tree(entry.path(), to / entry.path().filename(), state);
  }
}

}  // namespace

Result<TransferOutcome> transfer_to_library(const fs::path& source,
                                            const fs::path& library_root,
                                            TransferMode mode) {
  std::error_code error;
  if (!fs::exists(fs::symlink_status(source, error))) {
    return Problem::not_found("payload '" + source.string() + "' is missing");
  }
  const fs::path target = library_root / source.filename();
  if (fs::exists(fs::symlink_status(target, error))) {
    return Problem::conflict("library path '" + target.string() +
                             "' already exists");
  }

  const fs::path staging = library_root / (".revaer-staging-" + random_hex(8));
  TransferState state{mode};
  try {
    fs::create_directories(library_root);
    fs::create_directory(staging);
    place_tree(source, staging / source.filename(), state);
    fs::rename(staging / source.filename(), target);
    fs::remove_all(staging);
  } catch (const std::exception& failure) {
    fs::remove_all(staging, error);
    return Problem::internal(std::string("could not transfer payload: ") +
                             failure.what());
  }
  return TransferOutcome{target, state.copied_across_devices};
}

}  // namespace revaer
