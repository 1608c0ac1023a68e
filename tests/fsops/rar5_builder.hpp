#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/fsops/rar4_builder.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// Writes RAR 5 archives with stored (uncompressed) files, because no RAR
// writer is packaged in Debian main. Layout from the RAR 5.0 archive format
// description of RARLAB: an 8-byte signature, then blocks that each start
// with the CRC-32 of the rest of their header, the header size as a vint
// (7 bits per byte, low bits first, high bit set on every byte but the
// last), the header type and header flags. A main archive header, one file
// header plus data per file (or per file part in a volume set) and an
// end-of-archive header.
class Rar5Builder {
 public:
  // Stores `data` as `name` in a single archive at `path`.
  static void write_single(const std::filesystem::path& path, const std::string& name,
                           const std::string& data) {
    std::string out = signature() + main_header(false, 0);
    out += file_header(name, data, data, crc32(data), false, false) + data;
    out += end_header(false);
    write_file_bytes(path, out);
  }

  // Splits `data`, stored as `name`, over `paths.size()` volumes
  // (name.part1.rar, ...): each volume holds one part of the file.
  static void write_volumes(const std::vector<std::filesystem::path>& paths,
                            const std::string& name, const std::string& data) {
    const std::size_t count = paths.size();
    const std::size_t part_size = (data.size() + count - 1) / count;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string part = data.substr(i * part_size, part_size);
      const bool after = i + 1 < count;
      // Parts before the last carry the CRC of their part; the last one
      // the CRC of the whole file.
      const std::uint32_t crc = after ? crc32(part) : crc32(data);
      std::string out = signature() + main_header(true, i);
      out += file_header(name, part, data, crc, i > 0, after) + part;
      out += end_header(after);
      write_file_bytes(paths[i], out);
    }
  }

 private:
  static std::uint32_t crc32(const std::string& bytes) { return Rar4Builder::crc32(bytes); }

  static std::string vint(std::uint64_t value) {
    std::string out;
    while (value >= 0x80) {
      out += static_cast<char>((value & 0x7F) | 0x80);
      value >>= 7;
    }
    out += static_cast<char>(value);
    return out;
  }

  static std::string u32(std::uint32_t value) {
    std::string out;
    for (int shift = 0; shift < 32; shift += 8) {
      out += static_cast<char>((value >> shift) & 0xFF);
    }
    return out;
  }

  // Frames `fields` (type, flags and the rest) with header size and CRC.
  static std::string block(const std::string& fields) {
    const std::string sized = vint(fields.size()) + fields;
    return u32(crc32(sized)) + sized;
  }

  static std::string signature() { return std::string("Rar!\x1a\x07\x01\x00", 8); }

  static std::string main_header(bool volume, std::size_t volume_index) {
    std::uint64_t archive_flags = 0;
    std::string volume_number;
    if (volume) {
      archive_flags |= 0x0001;  // the archive is a volume
      if (volume_index > 0) {
        archive_flags |= 0x0002;  // the volume number follows
        volume_number = vint(volume_index);
      }
    }
    return block(vint(1) + vint(0) + vint(archive_flags) + volume_number);
  }

  static std::string file_header(const std::string& name, const std::string& part,
                                 const std::string& whole, std::uint32_t crc, bool from_previous,
                                 bool into_next) {
    std::uint64_t header_flags = 0x0002;  // a data area follows
    if (from_previous) {
      header_flags |= 0x0008;
    }
    if (into_next) {
      header_flags |= 0x0010;
    }
    std::string fields = vint(2) + vint(header_flags) + vint(part.size());
    fields += vint(0x0004);        // file flags: the data CRC-32 is present
    fields += vint(whole.size());  // unpacked size
    fields += vint(0100644);       // attributes: Unix mode
    fields += u32(crc);
    fields += vint(0);  // compression: version 0, method 0 (store)
    fields += vint(1);  // host OS: Unix
    fields += vint(name.size()) + name;
    return block(fields);
  }

  static std::string end_header(bool more_volumes) {
    return block(vint(5) + vint(0) + vint(more_volumes ? 0x0001 : 0));
  }
};

}  // namespace revaer::test
