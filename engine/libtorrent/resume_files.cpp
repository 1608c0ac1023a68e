#include "engine/libtorrent/resume_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <iterator>
#include <set>
#include <system_error>

namespace revaer {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::string& path) {
  throw std::system_error(errno, std::generic_category(), what + " '" + path + "'");
}

// Closes the descriptor when the scope ends, also on a throw.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }

  // Closes now so a failing close() is reported.
  int close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_errno("could not write", path);
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
}

void fsync_directory(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw_errno("could not open directory", dir);
  if (::fsync(fd.get()) != 0) throw_errno("could not fsync directory", dir);
}

void sync_filesystem(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw_errno("could not open directory", dir);
  if (::syncfs(fd.get()) != 0) throw_errno("could not sync the filesystem of", dir);
}

std::string parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// Writes "<path>.tmp", fsyncs it when `sync` is set, and returns its path.
// On failure the temporary file is deleted.
std::string write_temporary_file(const std::string& path, std::string_view bytes, bool sync) {
  const std::string temp_path = path + ".tmp";
  FileDescriptor fd(::open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (fd.get() < 0) throw_errno("could not create", temp_path);

  try {
    write_all(fd.get(), bytes, temp_path);
    if (sync && ::fsync(fd.get()) != 0) throw_errno("could not fsync", temp_path);
    if (fd.close() != 0) throw_errno("could not close", temp_path);
  } catch (const std::system_error&) {
    // A partial temporary file would hold space that a full disk needs
    // back; `path` itself is untouched.
    ::unlink(temp_path.c_str());
    throw;
  }
  return temp_path;
}

// Renames `temp_path` over `path`, deleting the temporary file on failure.
void rename_over(const std::string& temp_path, const std::string& path) {
  if (::rename(temp_path.c_str(), path.c_str()) == 0) return;
  const int error = errno;
  ::unlink(temp_path.c_str());
  errno = error;
  throw_errno("could not rename temporary file to", path);
}

}  // namespace

std::string resume_file_path(const std::string& resume_dir, std::string_view torrent_id) {
  return (std::filesystem::path(resume_dir) / (std::string(torrent_id) + ".resume")).string();
}

std::string running_marker_path(const std::string& resume_dir) {
  return (std::filesystem::path(resume_dir) / ".running").string();
}

std::string waiting_moves_path(const std::string& resume_dir) {
  return (std::filesystem::path(resume_dir) / "waiting-moves").string();
}

std::map<std::string, std::string> parse_waiting_moves(std::string_view content) {
  std::map<std::string, std::string> moves;
  while (!content.empty()) {
    const std::size_t end = std::min(content.find('\n'), content.size());
    const std::string_view line = content.substr(0, end);
    content.remove_prefix(std::min(end + 1, content.size()));
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0) continue;
    const std::string target(line.substr(space + 1));
    if (!std::filesystem::path(target).is_absolute()) continue;
    moves[std::string(line.substr(0, space))] = target;
  }
  return moves;
}

void write_file_atomically(const std::string& path, std::string_view bytes) {
  const std::string temp_path = write_temporary_file(path, bytes, true);
  rename_over(temp_path, path);
  fsync_directory(parent_directory(path));
}

void AtomicFileBatch::add(const std::string& path, std::string_view bytes) {
  write_temporary_file(path, bytes, false);
  paths_.insert(path);
}

std::size_t AtomicFileBatch::commit() {
  std::set<std::string> directories;
  for (const std::string& path : paths_) directories.insert(parent_directory(path));
  std::size_t renamed = 0;
  try {
    // One syncfs() makes every temporary file durable before any rename,
    // where one fsync per file would cost a journal commit each.
    for (const std::string& directory : directories) sync_filesystem(directory);
    for (const std::string& path : paths_) {
      rename_over(path + ".tmp", path);
      ++renamed;
    }
  } catch (const std::system_error&) {
    // The files not renamed keep their content, and their temporary files
    // go, so a failed stop leaves no stale "<path>.tmp" behind.
    for (auto path = std::next(paths_.begin(), static_cast<std::ptrdiff_t>(renamed));
         path != paths_.end(); ++path) {
      ::unlink((*path + ".tmp").c_str());
    }
    throw;
  }
  paths_.clear();
  for (const std::string& directory : directories) fsync_directory(directory);
  return renamed;
}

std::optional<std::string> read_file(const std::string& path) {
  FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.get() < 0) {
    if (errno == ENOENT) return std::nullopt;
    throw_errno("could not open", path);
  }
  // One read() of the whole file in the common case: the loader reads
  // thousands of resume files at start.
  struct stat info {};
  if (::fstat(file.get(), &info) != 0) throw_errno("could not read", path);
  std::string content(static_cast<std::size_t>(std::max<off_t>(info.st_size, 0)) + 1, '\0');
  std::size_t size = 0;
  while (true) {
    if (size == content.size()) content.resize(content.size() * 2);
    const ssize_t count = ::read(file.get(), content.data() + size, content.size() - size);
    if (count < 0) {
      if (errno == EINTR) continue;
      throw_errno("could not read", path);
    }
    if (count == 0) break;
    size += static_cast<std::size_t>(count);
  }
  content.resize(size);
  return content;
}

bool delete_file(const std::string& path) {
  if (::unlink(path.c_str()) == 0) return true;
  if (errno == ENOENT) return false;
  throw_errno("could not delete", path);
}

}  // namespace revaer
