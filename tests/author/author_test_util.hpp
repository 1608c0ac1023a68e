#pragma once

// Content and independent hash checks for the torrent authoring tests.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <openssl/evp.h>

namespace revaer::test {

// Writes `size` pseudo-random bytes from `seed` to `path`, creating its
// folders.
inline void write_random_file(const std::filesystem::path& path,
                              std::size_t size, std::uint32_t seed) {
  std::filesystem::create_directories(path.parent_path());
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) {
    byte = static_cast<char>(generator() & 0xff);
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    throw std::runtime_error("could not write " + path.string());
  }
}

// Returns the raw digest of `data` with OpenSSL's `type` (EVP_sha1(),
// EVP_sha256()).
inline std::string digest(const EVP_MD* type, std::string_view data) {
  unsigned char output[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), output, &length, type, nullptr) !=
      1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return std::string(reinterpret_cast<const char*>(output), length);
}

inline std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (char byte : bytes) {
    const auto value = static_cast<unsigned char>(byte);
    text.push_back(kDigits[value >> 4]);
    text.push_back(kDigits[value & 0x0f]);
  }
  return text;
}

// Returns the BEP 52 merkle root of `content`: SHA-256 of each 16 KiB
// block as leaves, zero hashes up to the next power of two, pairs hashed
// up to one root. Empty content has no root; this returns "".
inline std::string v2_file_root(std::string_view content) {
  constexpr std::size_t kBlock = 16 * 1024;
  std::vector<std::string> layer;
  for (std::size_t offset = 0; offset < content.size(); offset += kBlock) {
    layer.push_back(digest(EVP_sha256(), content.substr(offset, kBlock)));
  }
  if (layer.empty()) {
    return {};
  }
  std::size_t leaves = 1;
  while (leaves < layer.size()) {
    leaves *= 2;
  }
  layer.resize(leaves, std::string(32, '\0'));
  while (layer.size() > 1) {
    std::vector<std::string> parents;
    for (std::size_t i = 0; i < layer.size(); i += 2) {
      parents.push_back(digest(EVP_sha256(), layer[i] + layer[i + 1]));
    }
    layer = std::move(parents);
  }
  return layer.front();
}

inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("could not read " + path.string());
  }
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace revaer::test
