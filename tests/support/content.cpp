#include "tests/support/content.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string_view>

namespace revaer::test {
namespace {

constexpr std::size_t kChunkBytes = 1 << 20;

using DigestContext =
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

std::string to_hex(const unsigned char* bytes, unsigned int length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[bytes[i] >> 4]);
    hex.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return hex;
}

// FNV-1a, a stable hash, so the content does not depend on the standard
// library's std::hash.
std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

void fill_random(std::mt19937_64& generator, std::string& buffer) {
  for (std::size_t offset = 0; offset < buffer.size(); offset += 8) {
    std::uint64_t word = generator();
    for (std::size_t byte = 0; byte < 8 && offset + byte < buffer.size();
         ++byte) {
      buffer[offset + byte] = static_cast<char>(word >> (8 * byte));
    }
  }
}

void write_one_file(const std::filesystem::path& path, std::uint64_t size,
                    std::uint64_t seed) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::mt19937_64 generator(seed);
  std::string buffer;
  for (std::uint64_t written = 0; written < size;) {
    auto count = static_cast<std::size_t>(
        std::min<std::uint64_t>(kChunkBytes, size - written));
    buffer.resize(count);
    fill_random(generator, buffer);
    out.write(buffer.data(), static_cast<std::streamsize>(count));
    written += count;
  }
  out.close();
  if (!out) {
    throw std::runtime_error("could not write '" + path.string() + "'");
  }
}

}  // namespace

std::vector<ContentFile> sample_layout() {
  return {
      {"Season 1/Épisode 01 – café.bin", 2 * 1024 * 1024 + 12345},
      {"Season 1/Épisode 02 – naïve.bin", 1536 * 1024 + 7},
      {"Season 1/Subs/日本語 subtitles.srt", 40000},
      {"extras/notes ü.txt", 1},
      {"extras/behind the scenes.bin", 777777},
      {"readme.txt", 100},
  };
}

void write_content(const std::filesystem::path& root,
                   const std::vector<ContentFile>& files, std::uint64_t seed) {
  for (const auto& file : files) {
    std::uint64_t file_seed = seed ^ fnv1a(file.relative_path);
    write_one_file(root / file.relative_path, file.size, file_seed);
  }
}

std::string sha256_of_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("could not open '" + path.string() + "'");
  }

  DigestContext context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("could not start a SHA-256 digest");
  }
  std::string buffer(kChunkBytes, '\0');
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    auto count = static_cast<std::size_t>(in.gcount());
    if (count > 0 &&
        EVP_DigestUpdate(context.get(), buffer.data(), count) != 1) {
      throw std::runtime_error("could not hash '" + path.string() + "'");
    }
  }
  if (in.bad()) {
    throw std::runtime_error("could not read '" + path.string() + "'");
  }

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    throw std::runtime_error("could not finish a SHA-256 digest");
  }
  return to_hex(digest, length);
}

std::map<std::string, std::string> hash_tree(
    const std::filesystem::path& root) {
  std::map<std::string, std::string> hashes;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      auto relative = entry.path().lexically_relative(root).generic_string();
      hashes[relative] = sha256_of_file(entry.path());
    }
  }
  return hashes;
}

std::uint64_t tree_size(const std::filesystem::path& root) {
  std::uint64_t total = 0;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      total += entry.file_size();
    }
  }
  return total;
}

}  // namespace revaer::test
