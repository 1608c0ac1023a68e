#include "tests/support/tmpfs_mount.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace revaer::test {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

// Writes `size` zero bytes (or until the disk is full when `size` is 0).
std::uint64_t write_zero_file(const std::filesystem::path& path, std::uint64_t size,
                              bool until_full) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("could not create '" + path.string() + "': " + std::strerror(errno));
  }
  const std::vector<char> zeros(kChunk, 0);
  std::uint64_t written = 0;
  while (until_full || written < size) {
    const std::size_t length =
        until_full ? kChunk : static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, size - written));
    const ssize_t result = ::write(fd, zeros.data(), length);
    if (result < 0 && errno == EINTR) continue;
    if (result < 0 && errno == ENOSPC && until_full) break;
    if (result <= 0) {
      const std::string reason = result < 0 ? std::strerror(errno) : "wrote nothing";
      ::close(fd);
      throw std::runtime_error("could not write '" + path.string() + "': " + reason);
    }
    written += static_cast<std::uint64_t>(result);
  }
  ::close(fd);
  return written;
}

}  // namespace

TmpfsMount::TmpfsMount(std::filesystem::path dir, std::uint64_t size_bytes)
    : dir_(std::move(dir)) {
  std::filesystem::create_directories(dir_);
  const std::string options = "size=" + std::to_string(size_bytes) + ",mode=0755";
  if (::mount("tmpfs", dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options.c_str()) != 0) {
    error_ = "could not mount a tmpfs on '" + dir_.string() + "': " + std::strerror(errno);
    return;
  }
  mounted_ = true;
}

TmpfsMount::~TmpfsMount() {
  if (!mounted_) return;
  if (::umount2(dir_.c_str(), 0) != 0) ::umount2(dir_.c_str(), MNT_DETACH);
}

std::uint64_t fill_filesystem(const std::filesystem::path& path) {
  return write_zero_file(path, 0, true);
}

void write_zeros(const std::filesystem::path& path, std::uint64_t size) {
  write_zero_file(path, size, false);
}

}  // namespace revaer::test
