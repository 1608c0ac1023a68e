#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace revaer::test {

// A tmpfs of a fixed size mounted on an existing directory for one test,
// so the test can fill a filesystem, which even root cannot write past.
// Mounting needs root (CAP_SYS_ADMIN); when it fails, mounted() is false
// and error() returns the reason, so the test can skip. The destructor unmounts,
// also when the test fails, lazily if files are still open.
class TmpfsMount {
 public:
  TmpfsMount(std::filesystem::path dir, std::uint64_t size_bytes);
  ~TmpfsMount();
  TmpfsMount(const TmpfsMount&) = delete;
  TmpfsMount& operator=(const TmpfsMount&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  bool mounted_ = false;
  std::string error_;
};

// Writes zeros to `path` until the filesystem is full (ENOSPC) and returns
// the bytes written. Throws std::runtime_error on any other error.
std::uint64_t fill_filesystem(const std::filesystem::path& path);

// Writes `size` zero bytes to `path`. Throws std::runtime_error when the
// write fails.
void write_zeros(const std::filesystem::path& path, std::uint64_t size);

}  // namespace revaer::test
