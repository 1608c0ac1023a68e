#pragma once

#include <string>
#include <vector>

namespace revaer {

// One archive to extract: its volumes in read order, as paths relative to
// the payload root. Single archives have one volume.
struct ArchiveSet {
  std::vector<std::string> volumes;
};

// Groups the archives among `relative_files` into sets, recognising by
// name (ignoring case): .zip, .7z, .tar, .tar.gz/.tgz, .tar.bz2/.tbz2,
// .tar.xz/.txz and .rar; multi-volume RAR as name.partN.rar (read from
// part 1) or name.rar with name.r00, name.r01, ...; and split archives
// name.<format>.001, .002, ... Sets whose first volume is missing are
// left out. The result is sorted by first volume.
std::vector<ArchiveSet> find_archive_sets(const std::vector<std::string>& relative_files);

}  // namespace revaer
