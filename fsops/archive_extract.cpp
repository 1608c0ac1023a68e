#include "fsops/archive_extract.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <locale.h>
#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>
#include <system_error>

#include <spdlog/spdlog.h>

#include "fsops/file_placement.hpp"
#include "fsops/unique_fd.hpp"

namespace revaer {
namespace fs = std::filesystem;

namespace {

using Components = std::vector<std::string>;

struct ArchiveCloser {
  void operator()(archive* reader) const { archive_read_free(reader); }
};
using ArchiveReader = std::unique_ptr<archive, ArchiveCloser>;

// Splits an entry path into components, dropping empty and "." ones, so
// "./" gives no component. Returns false for an empty or absolute path and
// for a path with a ".." component.
bool split_safe_path(const char* raw, Components& components) {
  const std::string path = raw == nullptr ? "" : raw;
  if (path.empty() || path.front() == '/') {
    return false;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    const std::string component = path.substr(start, end - start);
    if (component == "..") {
      return false;
    }
    if (!component.empty() && component != ".") {
      components.push_back(component);
    }
    start = end + 1;
  }
  return true;
}

// The state of one extraction.
class Extractor {
 public:
  Extractor(archive* reader, std::string name, UniqueFd root, std::uint64_t archive_bytes,
            const ExtractOptions& options)
      : reader_(reader),
        name_(std::move(name)),
        root_(std::move(root)),
        archive_bytes_(archive_bytes),
        options_(options) {}

  Result<ExtractSummary> run();

 private:
  Status extract_entry(archive_entry* entry);
  Status extract_file(archive_entry* entry, const Components& path);
  Status extract_hardlink(const Components& path, const char* target);
  Status write_data(int fd, const std::string& entry_name);
  Status check_limits(const std::string& entry_name) const;

  // Opens the folder holding the last component of `path` (or the whole
  // `path` when `include_last`), creating missing folders when `create`.
  // Never follows symbolic links. Throws std::system_error.
  UniqueFd open_folder(const Components& path, bool include_last, bool create);

  Problem unsafe(const std::string& reason) const {
    return Problem::unprocessable("archive '" + name_ + "' " + reason);
  }
  Problem read_error(const std::string& action) const {
    return Problem::internal("could not " + action + " in archive '" + name_ + "': " +
                             (archive_error_string(reader_) ? archive_error_string(reader_)
                                                            : "unknown libarchive error"));
  }

  archive* reader_;
  std::string name_;
  UniqueFd root_;
  std::uint64_t archive_bytes_;
  const ExtractOptions& options_;
  ExtractSummary summary_;
};

Result<ExtractSummary> Extractor::run() {
  for (;;) {
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(reader_, &entry);
    if (status == ARCHIVE_EOF) {
      return summary_;
    }
    if (status == ARCHIVE_WARN) {
      spdlog::warn("fsops: archive '{}': {}", name_, archive_error_string(reader_));
    } else if (status != ARCHIVE_OK) {
      return read_error("read the next entry");
    }
    if (archive_entry_is_encrypted(entry)) {
      return unsafe("is encrypted (entry '" + std::string(archive_entry_pathname(entry)) +
                    "'); encrypted archives are not supported");
    }
    Status done = extract_entry(entry);
    if (!done) {
      return done.problem();
    }
  }
}

Status Extractor::extract_entry(archive_entry* entry) {
  const char* raw = archive_entry_pathname(entry);
  if (raw == nullptr) {
    raw = archive_entry_pathname_utf8(entry);
  }
  Components path;
  const bool safe = split_safe_path(raw, path);
  if (safe && path.empty() && archive_entry_filetype(entry) == AE_IFDIR) {
    return Done{};  // "./", the destination itself, as `tar -C dir .` writes it
  }
  if (!safe || path.empty()) {
    return unsafe("has an unsafe entry path '" + std::string(raw ? raw : "") +
                  "' (absolute, empty or with '..')");
  }
  try {
    if (const char* target = archive_entry_hardlink(entry)) {
      return extract_hardlink(path, target);
    }
    switch (archive_entry_filetype(entry)) {
      case AE_IFDIR:
        open_folder(path, true, true);
        return Done{};
      case AE_IFREG:
        return extract_file(entry, path);
      default:
        ++summary_.skipped;
        spdlog::info(
            "fsops: archive '{}': skipped '{}', which is not a regular "
            "file or folder",
            name_, raw);
        return Done{};
    }
  } catch (const std::system_error& error) {
    return Problem::internal("could not extract '" + std::string(raw) + "' from archive '" + name_ +
                             "': " + error.what());
  }
}

UniqueFd Extractor::open_folder(const Components& path, bool include_last, bool create) {
  UniqueFd folder(::fcntl(root_.get(), F_DUPFD_CLOEXEC, 0));
  const std::size_t count = include_last ? path.size() : path.size() - 1;
  const mode_t mode = mode_after_umask(0777, options_.umask);
  for (std::size_t i = 0; i < count; ++i) {
    const char* name = path[i].c_str();
    int fd = ::openat(folder.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(folder.get(), name, mode) != 0 && errno != EEXIST) {
        throw_file_error(errno, "create folder '" + path[i] + "'");
      }
      fd = ::openat(folder.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd >= 0 && options_.umask && ::fchmod(fd, mode) != 0) {
        ::close(fd);
        throw_file_error(errno, "set the mode of folder '" + path[i] + "'");
      }
    }
    if (fd < 0) {
      throw_file_error(errno, "open folder '" + path[i] + "'");
    }
    folder.reset(fd);
  }
  return folder;
}

Status Extractor::extract_file(archive_entry* entry, const Components& path) {
  const UniqueFd parent = open_folder(path, false, true);
  const char* leaf = path.back().c_str();

  // A later entry of the same name replaces an earlier file, as tar does.
  struct stat existing {};
  if (::fstatat(parent.get(), leaf, &existing, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!S_ISREG(existing.st_mode) || ::unlinkat(parent.get(), leaf, 0) != 0) {
      return unsafe("has the entry '" + path.back() + "' twice, once not as a regular file");
    }
  }

  mode_t mode = archive_entry_perm(entry) & 0777;
  if (mode == 0) {
    mode = 0644;  // archives made on Windows often carry no permissions
  }
  mode = mode_after_umask(mode, options_.umask);
  UniqueFd file(
      ::openat(parent.get(), leaf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
  if (!file.valid()) {
    throw_file_error(errno, "create '" + path.back() + "'");
  }
  if (options_.umask && ::fchmod(file.get(), mode) != 0) {
    throw_file_error(errno, "set the mode of '" + path.back() + "'");
  }

  Status written = write_data(file.get(), archive_entry_pathname(entry));
  if (!written) {
    return written;
  }
  if (archive_entry_size_is_set(entry) && ::ftruncate(file.get(), archive_entry_size(entry)) != 0) {
    throw_file_error(errno, "set the size of '" + path.back() + "'");
  }
  ++summary_.files;
  return Done{};
}

Status Extractor::write_data(int fd, const std::string& entry_name) {
  for (;;) {
    const void* block = nullptr;
    std::size_t size = 0;
    la_int64_t offset = 0;
    const int status = archive_read_data_block(reader_, &block, &size, &offset);
    if (status == ARCHIVE_EOF) {
      return Done{};
    }
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN) {
      return read_error("read the data of '" + entry_name + "'");
    }
    const char* bytes = static_cast<const char*>(block);
    for (std::size_t done = 0; done < size;) {
      const ssize_t put =
          ::pwrite(fd, bytes + done, size - done, offset + static_cast<la_int64_t>(done));
      if (put < 0) {
        if (errno == EINTR) {
          continue;
        }
        throw_file_error(errno, "write '" + entry_name + "'");
      }
      done += static_cast<std::size_t>(put);
    }
    summary_.bytes += size;
    Status within = check_limits(entry_name);
    if (!within) {
      return within;
    }
  }
}

Status Extractor::check_limits(const std::string& entry_name) const {
  const ExtractLimits& limits = options_.limits;
  if (options_.already_extracted + summary_.bytes > limits.max_total_bytes) {
    return unsafe("expands beyond the limit of " + std::to_string(limits.max_total_bytes) +
                  " extracted bytes per job (at entry '" + entry_name + "')");
  }
  if (summary_.bytes > limits.ratio_floor_bytes &&
      summary_.bytes / limits.max_ratio > archive_bytes_) {
    return unsafe("expands to more than " + std::to_string(limits.max_ratio) +
                  " times its size of " + std::to_string(archive_bytes_) + " bytes (at entry '" +
                  entry_name + "'); it looks like a decompression bomb");
  }
  return Done{};
}

Status Extractor::extract_hardlink(const Components& path, const char* target) {
  Components target_path;
  if (!split_safe_path(target, target_path)) {
    return unsafe("has a hardlink entry '" + path.back() + "' to an unsafe target '" + target +
                  "'");
  }
  const UniqueFd target_parent = open_folder(target_path, false, false);
  struct stat info {};
  if (::fstatat(target_parent.get(), target_path.back().c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(info.st_mode)) {
    return unsafe("has a hardlink entry '" + path.back() + "' to '" + target +
                  "', which is no file extracted before it");
  }
  const UniqueFd parent = open_folder(path, false, true);
  if (::linkat(target_parent.get(), target_path.back().c_str(), parent.get(), path.back().c_str(),
               0) != 0) {
    throw_file_error(errno, "link '" + path.back() + "' to '" + target + "'");
  }
  ++summary_.files;
  return Done{};
}

// Returns a reader for the formats and filters extraction supports.
ArchiveReader new_reader() {
  ArchiveReader reader(archive_read_new());
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_bzip2(reader.get());
  archive_read_support_filter_xz(reader.get());
  archive_read_support_format_zip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  archive_read_support_format_7zip(reader.get());
  archive_read_support_format_rar(reader.get());
  archive_read_support_format_rar5(reader.get());
  return reader;
}

// Switches the calling thread to a UTF-8 character type for its lifetime.
// libarchive converts entry names through the thread's locale, and names
// on disk are UTF-8 whatever the process locale is (often "C").
class Utf8ThreadLocale {
 public:
  Utf8ThreadLocale() : locale_(::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr)) {
    if (locale_ != nullptr) {
      previous_ = ::uselocale(locale_);
    }
  }
  ~Utf8ThreadLocale() {
    if (locale_ != nullptr) {
      ::uselocale(previous_);
      ::freelocale(locale_);
    }
  }
  Utf8ThreadLocale(const Utf8ThreadLocale&) = delete;
  Utf8ThreadLocale& operator=(const Utf8ThreadLocale&) = delete;

 private:
  locale_t locale_;
  locale_t previous_ = LC_GLOBAL_LOCALE;
};

}  // namespace

Result<ExtractSummary> extract_archive(const std::vector<fs::path>& volumes,
                                       const fs::path& destination, const ExtractOptions& options) {
  const std::string name = volumes.front().filename().string();
  std::uint64_t archive_bytes = 0;
  for (const fs::path& volume : volumes) {
    std::error_code error;
    const auto size = fs::file_size(volume, error);
    if (error) {
      return Problem::not_found("archive volume '" + volume.string() +
                                "' is missing: " + error.message());
    }
    archive_bytes += size;
  }
  UniqueFd root(::open(destination.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root.valid()) {
    return Problem::internal("could not open '" + destination.string() + "': " + errno_text(errno));
  }
  const Utf8ThreadLocale utf8;
  ArchiveReader reader = new_reader();
  std::vector<const char*> names;
  for (const fs::path& volume : volumes) {
    names.push_back(volume.c_str());
  }
  names.push_back(nullptr);
  if (archive_read_open_filenames(reader.get(), names.data(), 1 << 16) != ARCHIVE_OK) {
    const char* reason = archive_error_string(reader.get());
    return Problem::unprocessable("could not open archive '" + name +
                                  "': " + (reason ? reason : "unreadable"));
  }
  Extractor extractor(reader.get(), name, std::move(root), archive_bytes, options);
  return extractor.run();
}

}  // namespace revaer
