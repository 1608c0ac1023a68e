#include "core/atomic_file.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include "core/crypto.hpp"

namespace revaer {
namespace {

[[noreturn]] void fail(const std::string& what,
                       const std::filesystem::path& path) {
  throw std::system_error(errno, std::generic_category(),
                          "could not " + what + " '" + path.string() + "'");
}

void write_all(int fd, std::string_view contents,
               const std::filesystem::path& path) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail("write", path);
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
}

void sync_folder(const std::filesystem::path& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail("open folder", folder);
  }
  const int result = ::fsync(fd);
  ::close(fd);
  if (result != 0) {
    fail("flush folder", folder);
  }
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path,
                           std::string_view contents, bool flush) {
  const std::filesystem::path folder =
      path.has_parent_path() ? path.parent_path() : ".";
  const std::filesystem::path temporary =
      folder / ("." + path.filename().string() + ".tmp-" + random_hex(6));

  const int fd = ::open(temporary.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    fail("create", temporary);
  }
  try {
    write_all(fd, contents, temporary);
    if (flush && ::fsync(fd) != 0) {
      fail("flush", temporary);
    }
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temporary.c_str());
    errno = saved;
    fail("rename temporary file to", path);
  }
  if (flush) {
    sync_folder(folder);
  }
}

}  // namespace revaer
