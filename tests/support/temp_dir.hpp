#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace revaer::test {

// A fresh directory under the system temp directory, removed with all its
// contents on destruction. With REVAER_KEEP_TEST_DIRS set in the
// environment the directory is kept and its path printed instead.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "revaer-test");
  ~TempDir();

  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::filesystem::path& child) const {
    return path_ / child;
  }

 private:
  std::filesystem::path path_;
};

// Returns a TCP port on 127.0.0.1 that was free a moment ago: the kernel
// picks it for a socket bound to port 0, which is then closed. Another
// process may take it before the caller binds it.
std::uint16_t free_port();

// Returns true when something accepts TCP connections on 127.0.0.1:port.
bool port_accepts(std::uint16_t port);

// Calls `predicate` every `interval` until it returns true or `timeout`
// passes. Returns the last result of `predicate`, which is called at least
// once and once more after the deadline.
bool wait_until(const std::function<bool()>& predicate,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval =
                    std::chrono::milliseconds(100));

// Returns the whole content of a file as bytes. Throws std::runtime_error
// when it cannot be read.
std::string read_file_bytes(const std::filesystem::path& path);

// Writes `bytes` to `path`, replacing it. Throws std::runtime_error on
// failure.
void write_file_bytes(const std::filesystem::path& path,
                      std::string_view bytes);

}  // namespace revaer::test
