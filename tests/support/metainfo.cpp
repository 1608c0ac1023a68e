#include "tests/support/metainfo.hpp"

#include <openssl/sha.h>

#include <cctype>
#include <stdexcept>

#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

// Walks bencoded data without building values: enough to find the exact
// byte range of one dictionary entry.
class BencodeWalker {
 public:
  explicit BencodeWalker(std::string_view data) : data_(data) {}

  std::size_t position() const { return position_; }
  bool at_end_marker() const { return peek() == 'e'; }

  void expect(char marker) {
    if (peek() != marker) {
      fail(std::string("expected '") + marker + "'");
    }
    ++position_;
  }

  std::string_view read_string() {
    std::size_t colon = data_.find(':', position_);
    if (colon == std::string_view::npos || colon == position_) {
      fail("expected a string length");
    }
    std::uint64_t length = 0;
    for (std::size_t i = position_; i < colon; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(data_[i]))) {
        fail("invalid string length");
      }
      length = length * 10 + static_cast<std::uint64_t>(data_[i] - '0');
      if (length > data_.size()) {
        fail("string length past the end of the data");
      }
    }
    std::size_t start = colon + 1;
    if (start + length > data_.size()) {
      fail("string past the end of the data");
    }
    position_ = start + length;
    return data_.substr(start, length);
  }

  void skip_value(int depth = 0) {
    if (depth > 64) {
      fail("nesting deeper than 64 levels");
    }
    char marker = peek();
    if (marker == 'i') {
      skip_integer();
    } else if (marker == 'l' || marker == 'd') {
      ++position_;
      while (!at_end_marker()) {
        if (marker == 'd') {
          read_string();
        }
        skip_value(depth + 1);
      }
      ++position_;
    } else {
      read_string();
    }
  }

 private:
  char peek() const {
    if (position_ >= data_.size()) {
      throw std::runtime_error("bencode: unexpected end of data");
    }
    return data_[position_];
  }

  void skip_integer() {
    std::size_t end = data_.find('e', position_);
    if (end == std::string_view::npos || end == position_ + 1) {
      fail("invalid integer");
    }
    position_ = end + 1;
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("bencode: " + what + " at offset " +
                             std::to_string(position_));
  }

  std::string_view data_;
  std::size_t position_ = 0;
};

std::string_view find_info_dictionary(std::string_view metainfo) {
  BencodeWalker walker(metainfo);
  walker.expect('d');
  while (!walker.at_end_marker()) {
    std::string_view key = walker.read_string();
    std::size_t start = walker.position();
    walker.skip_value();
    if (key == "info") {
      return metainfo.substr(start, walker.position() - start);
    }
  }
  throw std::runtime_error("bencode: no \"info\" dictionary");
}

}  // namespace

std::string info_hash_hex(std::string_view metainfo) {
  std::string_view info = find_info_dictionary(metainfo);
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(info.data()), info.size(),
       digest);

  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : digest) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0f]);
  }
  return hex;
}

std::string make_torrent(const std::filesystem::path& content_path,
                         const std::string& announce_url,
                         int piece_size_log2,
                         const std::filesystem::path& out_path) {
  std::filesystem::remove(out_path);
  CommandResult result = run_command(
      {"mktorrent", "-a", announce_url, "-l", std::to_string(piece_size_log2),
       "-o", out_path.string(), content_path.string()});
  if (result.exit_code() != 0) {
    throw std::runtime_error("mktorrent failed with " +
                             result.status.describe() + ": " +
                             result.stderr_text);
  }
  return read_file_bytes(out_path);
}

std::string hex_to_bytes(std::string_view hex) {
  auto nibble = [&](char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw std::invalid_argument("invalid hex string '" + std::string(hex) +
                                "'");
  };
  if (hex.size() % 2 != 0) {
    throw std::invalid_argument("hex string of odd length '" +
                                std::string(hex) + "'");
  }

  std::string bytes;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  }
  return bytes;
}

std::string percent_encode(std::string_view text) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string encoded;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded.push_back(c);
    } else {
      encoded.push_back('%');
      encoded.push_back(kDigits[byte >> 4]);
      encoded.push_back(kDigits[byte & 0x0f]);
    }
  }
  return encoded;
}

std::string magnet_link(const std::string& info_hash_hex,
                        const std::string& name,
                        const std::string& announce_url,
                        const std::string& peer) {
  return "magnet:?xt=urn:btih:" + info_hash_hex + "&dn=" +
         percent_encode(name) + "&tr=" + percent_encode(announce_url) +
         "&x.pe=" + peer;
}

}  // namespace revaer::test
