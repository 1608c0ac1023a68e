#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <locale.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace revaer::test {

// One entry of an archive a test builds, hostile ones included.
struct EntrySpec {
  enum class Kind { file, folder, symlink, hardlink, char_device };
  std::string path;
  std::string data;  // file contents
  Kind kind = Kind::file;
  std::string target;  // symlink or hardlink target
};

inline EntrySpec file_entry(std::string path, std::string data) {
  return EntrySpec{std::move(path), std::move(data), EntrySpec::Kind::file, ""};
}

// Writes `entries` to `out` with libarchive's writer. `format` is a
// libarchive format name ("pax", "zip", "7zip", "gnutar"); `filter` a
// filter name ("gzip", "bzip2", "xz") or empty. Throws std::runtime_error.
inline void write_archive(const std::filesystem::path& out, const std::string& format,
                          const std::string& filter, const std::vector<EntrySpec>& entries) {
  // Entry names are UTF-8; libarchive converts them through the locale.
  const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", nullptr);
  const locale_t previous = ::uselocale(utf8);
  struct RestoreLocale {
    locale_t utf8;
    locale_t previous;
    ~RestoreLocale() {
      ::uselocale(previous);
      ::freelocale(utf8);
    }
  } restore{utf8, previous};
  archive* writer = archive_write_new();
  const auto check = [writer](int status, const char* step) {
    if (status != ARCHIVE_OK) {
      const std::string reason =
          archive_error_string(writer) ? archive_error_string(writer) : "unknown error";
      archive_write_free(writer);
      throw std::runtime_error(std::string("could not ") + step + ": " + reason);
    }
  };
  check(archive_write_set_format_by_name(writer, format.c_str()), "set the format");
  if (!filter.empty()) {
    check(archive_write_add_filter_by_name(writer, filter.c_str()), "add the filter");
  }
  check(archive_write_open_filename(writer, out.c_str()), "open the archive");
  for (const EntrySpec& spec : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, spec.path.c_str());
    archive_entry_set_perm(entry, 0644);
    switch (spec.kind) {
      case EntrySpec::Kind::file:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(spec.data.size()));
        break;
      case EntrySpec::Kind::folder:
        archive_entry_set_filetype(entry, AE_IFDIR);
        archive_entry_set_perm(entry, 0755);
        break;
      case EntrySpec::Kind::symlink:
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, spec.target.c_str());
        break;
      case EntrySpec::Kind::hardlink:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, spec.target.c_str());
        archive_entry_set_size(entry, 0);
        break;
      case EntrySpec::Kind::char_device:
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdev(entry, makedev(1, 3));
        break;
    }
    check(archive_write_header(writer, entry), "write an entry header");
    if (spec.kind == EntrySpec::Kind::file && !spec.data.empty()) {
      archive_write_data(writer, spec.data.data(), spec.data.size());
    }
    archive_entry_free(entry);
  }
  check(archive_write_close(writer), "close the archive");
  archive_write_free(writer);
}

}  // namespace revaer::test
