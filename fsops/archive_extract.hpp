#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/result.hpp"

namespace revaer {

// Caps that stop a decompression bomb. Exceeding one fails the extraction.
struct ExtractLimits {
  // Bytes one job may extract from all its archives together.
  std::uint64_t max_total_bytes = std::uint64_t{256} << 30;
  // Extracted bytes allowed per byte of archive, once the output of one
  // archive passes ratio_floor_bytes (small archives of text legitimately
  // expand far more than large media archives).
  std::uint64_t max_ratio = 100;
  std::uint64_t ratio_floor_bytes = std::uint64_t{16} << 20;
};

struct ExtractOptions {
  ExtractLimits limits;
  std::uint64_t already_extracted = 0;  // counted against max_total_bytes
  std::optional<mode_t> umask;          // applied to created files and folders
};

struct ExtractSummary {
  std::uint64_t bytes = 0;
  int files = 0;
  int skipped = 0;  // symbolic links, devices, FIFOs and sockets
};

// Extracts the archive whose volumes are `volumes` (in order) into the
// existing folder `destination` with libarchive, reading zip, tar (plain,
// gzip, bzip2, xz), 7z and RAR 4/5. Only folders and regular files are
// created, all inside `destination`: paths are never followed through
// symbolic links, and symbolic links, devices, FIFOs and sockets in the
// archive are skipped. Fails with 422 on an encrypted entry, an absolute
// or ".." entry path, a hardlink entry whose target is not inside the
// archive, or output beyond the limits. Fails with 500 on a read or write
// error.
// On failure `destination` may hold partial output; the caller removes it.
Result<ExtractSummary> extract_archive(const std::vector<std::filesystem::path>& volumes,
                                       const std::filesystem::path& destination,
                                       const ExtractOptions& options);

}  // namespace revaer
