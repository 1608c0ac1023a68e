#include "fsops/file_placement.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace revaer {
namespace fs = std::filesystem;

namespace {

// Closes a descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }

  // Closes now and reports the error close() returned, or 0.
  int close_checked() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Bytes a copy writes between two writeback requests.
constexpr off_t kWritebackChunk = off_t{8} << 20;

// Starts writeback of a file's pages every 8 MiB while a copy writes it,
// so the disk writes the file during the copy instead of during the
// fdatasync that ends it, which then waits only for the last chunk.
// SYNC_FILE_RANGE_WRITE does not wait for the writes to finish.
class WriteBehind {
 public:
  explicit WriteBehind(int fd) : fd_(fd) {}

  // Records `bytes` more written and requests writeback of every whole
  // chunk not requested yet.
  void add_written(off_t bytes) {
    written_ += bytes;
    while (written_ - requested_ >= kWritebackChunk) {
      // A failed request only loses the head start, and fdatasync reports
      // any write error.
      ::sync_file_range(fd_, requested_, kWritebackChunk, SYNC_FILE_RANGE_WRITE);
      requested_ += kWritebackChunk;
    }
  }

 private:
  int fd_;
  off_t written_ = 0;
  off_t requested_ = 0;
};

// Copies every byte of `in` to `out`. Returns 0 or the errno value.
int copy_bytes(int in, int out) {
  WriteBehind write_behind(out);
  for (;;) {
    const ssize_t copied = ::copy_file_range(in, nullptr, out, nullptr, kWritebackChunk, 0);
    if (copied > 0) {
      write_behind.add_written(copied);
      continue;
    }
    if (copied == 0) {
      return 0;
    }
    if (errno == EINTR) {
      continue;
    }
    if (errno != EXDEV && errno != ENOSYS && errno != EINVAL) {
      return errno;
    }
    break;  // the kernel cannot copy between these files: use read/write
  }
  char buffer[1 << 16];
  for (;;) {
    const ssize_t got = ::read(in, buffer, sizeof buffer);
    if (got == 0) {
      return 0;
    }
    if (got < 0) {
      if (errno == EINTR) {
        continue;
      }
      return errno;
    }
    for (ssize_t done = 0; done < got;) {
      const ssize_t put = ::write(out, buffer + done, got - done);
      if (put < 0) {
        if (errno == EINTR) {
          continue;
        }
        return errno;
      }
      done += put;
      write_behind.add_written(put);
    }
  }
}

}  // namespace

std::string errno_text(int error) {
  const char* name = ::strerrorname_np(error);
  std::string text = std::strerror(error);
  if (name != nullptr) {
    text += std::string(" (") + name + ")";
  }
  return text;
}

FileError::FileError(int error, const std::string& action)
    : std::system_error(error, std::generic_category()),
      message_("could not " + action + ": " + errno_text(error)) {}

void throw_file_error(int error, const std::string& action) { throw FileError(error, action); }

mode_t mode_after_umask(mode_t requested, std::optional<mode_t> umask) {
  return umask ? static_cast<mode_t>(requested & ~*umask & 07777) : requested;
}

void copy_file_exclusive(const fs::path& from, const fs::path& to, mode_t mode, bool exact,
                         bool flush) {
  FileDescriptor in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (in.get() < 0) {
    throw_file_error(errno, "open '" + from.string() + "'");
  }
  FileDescriptor out(
      ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (out.get() < 0) {
    throw_file_error(errno, "create '" + to.string() + "'");
  }
  int error = copy_bytes(in.get(), out.get());
  if (error == 0 && exact && ::fchmod(out.get(), mode) != 0) {
    error = errno;
  }
  if (error == 0 && flush && ::fdatasync(out.get()) != 0) {
    error = errno;
  }
  const int close_error = out.close_checked();
  if (error == 0) {
    error = close_error;
  }
  if (error != 0) {
    ::unlink(to.c_str());
    throw_file_error(error, "copy '" + from.string() + "' to '" + to.string() + "'");
  }
}

PlacementBatch::~PlacementBatch() {
  for (const PendingCopy& copy : pending_) {
    ::unlink(copy.part.c_str());
  }
  if (flush_folder_ >= 0) {
    ::close(flush_folder_);
  }
}

void PlacementBatch::add(const fs::path& from, const fs::path& to) {
  if (options_.hardlink) {
    if (::link(from.c_str(), to.c_str()) == 0) {
      return;
    }
    if (errno != EXDEV) {
      throw_file_error(errno, "link '" + from.string() + "' to '" + to.string() + "'");
    }
    copied_across_devices_ = true;
  }

  if (pending_.size() >= kMaxPendingCopies) {
    finish();
  }
  if (flush_folder_ < 0) {
    flush_folder_ = ::open(to.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (flush_folder_ < 0) {
      throw_file_error(errno, "open '" + to.parent_path().string() + "'");
    }
  }
  const fs::path part =
      to.parent_path() / (std::string(kPartialFilePrefix) + to.filename().string());
  if (::unlink(part.c_str()) != 0 && errno != ENOENT) {
    throw_file_error(errno, "remove '" + part.string() + "'");
  }
  struct stat info {};
  if (::stat(from.c_str(), &info) != 0) {
    throw_file_error(errno, "read '" + from.string() + "'");
  }
  const mode_t mode = mode_after_umask(info.st_mode & 0777, options_.umask);
  copy_file_exclusive(from, part, mode, options_.umask.has_value(), false);
  pending_.push_back({part, to});
}

void PlacementBatch::finish() {
  // Every copy is flushed before the first rename, so a crash leaves each
  // target either absent or complete.
  if (pending_.size() == 1) {
    const fs::path& part = pending_.front().part;
    FileDescriptor file(::open(part.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (file.get() < 0 || ::fdatasync(file.get()) != 0) {
      throw_file_error(errno, "flush '" + part.string() + "'");
    }
  } else if (pending_.size() > 1) {
    // One syncfs() writes all copies in one go, where an fdatasync() per
    // new file costs a journal commit each on ext4. It also reports a
    // write error of any file on the filesystem since flush_folder_ was
    // opened, which was before the first copy (Linux 5.8 and later).
    if (::syncfs(flush_folder_) != 0) {
      throw_file_error(errno, "flush the copies in '" +
                                  pending_.front().part.parent_path().string() + "'");
    }
  }
  while (!pending_.empty()) {
    const PendingCopy& copy = pending_.back();
    if (::rename(copy.part.c_str(), copy.target.c_str()) != 0) {
      throw_file_error(errno, "rename '" + copy.part.string() + "' to '" +
                                  copy.target.string() + "'");
    }
    pending_.pop_back();
  }
}

bool place_file(const fs::path& from, const fs::path& to, const PlacementOptions& options) {
  PlacementBatch batch(options);
  batch.add(from, to);
  batch.finish();
  return batch.copied_across_devices();
}

void create_folders(const fs::path& path, std::optional<mode_t> umask) {
  if (path.empty() || fs::is_directory(fs::symlink_status(path))) {
    return;
  }
  create_folders(path.parent_path(), umask);
  const mode_t mode = mode_after_umask(0777, umask);
  if (::mkdir(path.c_str(), mode) != 0) {
    if (errno == EEXIST && fs::is_directory(fs::symlink_status(path))) {
      return;
    }
    throw_file_error(errno, "create folder '" + path.string() + "'");
  }
  if (umask && ::chmod(path.c_str(), mode) != 0) {
    throw_file_error(errno, "set the mode of '" + path.string() + "'");
  }
}

void merge_folder(const fs::path& from, const fs::path& to, std::optional<mode_t> umask) {
  create_folders(to, umask);
  for (const fs::directory_entry& entry : fs::directory_iterator(from)) {
    const fs::path target = to / entry.path().filename();
    if (entry.is_directory() && !entry.is_symlink()) {
      merge_folder(entry.path(), target, umask);
      continue;
    }
    if (::rename(entry.path().c_str(), target.c_str()) != 0) {
      throw_file_error(errno, "move '" + entry.path().string() + "' to '" + target.string() + "'");
    }
  }
  fs::remove(from);
}

}  // namespace revaer
