#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace revaer::test {

// Writes RAR 4 archives with stored (uncompressed) files, because no RAR
// writer is packaged in Debian main. Layout from the RAR 4 technical note
// (technote.txt of the RAR 4 distribution): a marker block, a main header,
// one file header plus data per file (or per file part in a volume set),
// and an end-of-archive block. Each header's CRC is the low 16 bits of the
// CRC-32 of the header from its type byte on.
class Rar4Builder {
 public:
  // Stores `data` as `name` in a single archive at `path`.
  static void write_single(const std::filesystem::path& path, const std::string& name,
                           const std::string& data) {
    std::string out = marker() + main_header(false, false);
    out += file_header(name, data, data, crc32(data), false, false);
    out += data + end_block(false);
    write_file_bytes(path, out);
  }

  // Splits `data`, stored as `name`, over `paths.size()` volumes
  // (name.part1.rar, ...): each volume contains one part of the file.
  static void write_volumes(const std::vector<std::filesystem::path>& paths,
                            const std::string& name, const std::string& data) {
    const std::size_t count = paths.size();
    const std::size_t part_size = (data.size() + count - 1) / count;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string part = data.substr(i * part_size, part_size);
      const bool before = i > 0;
      const bool after = i + 1 < count;
      // Volumes before the last carry the CRC of their part; the last one
      // the CRC of the whole file.
      const std::uint32_t crc = after ? crc32(part) : crc32(data);
      std::string out = marker() + main_header(true, i == 0);
      out += file_header(name, part, data, crc, before, after);
      out += part + end_block(after);
      write_file_bytes(paths[i], out);
    }
  }

  static std::uint32_t crc32(const std::string& bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (const unsigned char byte : bytes) {
      crc ^= byte;
      for (int bit = 0; bit < 8; ++bit) {
        crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
      }
    }
    return ~crc;
  }

 private:
  static void put16(std::string& out, std::uint32_t value) {
    out += static_cast<char>(value & 0xFF);
    out += static_cast<char>((value >> 8) & 0xFF);
  }
  static void put32(std::string& out, std::uint32_t value) {
    put16(out, value & 0xFFFF);
    put16(out, value >> 16);
  }

  // Prepends the header CRC to `body` (which starts at the type byte).
  static std::string with_crc(const std::string& body) {
    std::string out;
    put16(out, crc32(body) & 0xFFFF);
    return out + body;
  }

  static std::string marker() { return std::string("Rar!\x1a\x07\x00", 7); }

  static std::string main_header(bool volume, bool first_volume) {
    std::uint32_t flags = 0;
    if (volume) {
      flags |= 0x0001 | 0x0010;  // MHD_VOLUME, MHD_NEWNUMBERING
    }
    if (first_volume) {
      flags |= 0x0100;  // MHD_FIRSTVOLUME
    }
    std::string body;
    body += '\x73';
    put16(body, flags);
    put16(body, 13);
    put16(body, 0);
    put32(body, 0);
    return with_crc(body);
  }

  static std::string file_header(const std::string& name, const std::string& part,
                                 const std::string& whole, std::uint32_t crc, bool split_before,
                                 bool split_after) {
    std::uint32_t flags = 0x8000;  // LONG_BLOCK: the packed size follows
    if (split_before) {
      flags |= 0x0001;
    }
    if (split_after) {
      flags |= 0x0002;
    }
    std::string body;
    body += '\x74';
    put16(body, flags);
    put16(body, static_cast<std::uint32_t>(32 + name.size()));
    put32(body, static_cast<std::uint32_t>(part.size()));   // PACK_SIZE
    put32(body, static_cast<std::uint32_t>(whole.size()));  // UNP_SIZE
    body += '\x03';                                         // HOST_OS: Unix
    put32(body, crc);                                       // FILE_CRC
    put32(body, 0x5A8E0000);                                // FTIME (DOS)
    body += '\x14';                                         // UNP_VER 2.0
    body += '\x30';                                         // METHOD: store
    put16(body, static_cast<std::uint32_t>(name.size()));
    put32(body, 0100644);  // ATTR: mode
    body += name;
    return with_crc(body);
  }

  static std::string end_block(bool next_volume) {
    std::string body;
    body += '\x7b';
    put16(body, 0x4000 | (next_volume ? 0x0001 : 0));
    put16(body, 7);
    return with_crc(body);
  }
};

}  // namespace revaer::test
