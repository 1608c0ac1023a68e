#include "tests/support/temp_dir.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace revaer::test {
namespace {

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Owns one socket descriptor.
class Socket {
 public:
  Socket() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) {
      throw_errno("could not create a socket");
    }
  }
  ~Socket() { ::close(fd_); }

  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  int fd() const { return fd_; }

 private:
  int fd_;
};

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

}  // namespace

TempDir::TempDir(std::string_view prefix) {
  std::filesystem::path pattern = std::filesystem::temp_directory_path() /
                                  (std::string(prefix) + "-XXXXXX");
  std::string buffer = pattern.string();
  if (::mkdtemp(buffer.data()) == nullptr) {
    throw_errno("could not create a temp dir from '" + pattern.string() + "'");
  }
  path_ = buffer;
}

TempDir::~TempDir() {
  if (std::getenv("REVAER_KEEP_TEST_DIRS") != nullptr) {
    std::cout << "kept test dir " << path_ << '\n';
    return;
  }
  std::error_code error;
  std::filesystem::remove_all(path_, error);
  if (error) {
    std::cerr << "could not remove test dir " << path_ << ": "
              << error.message() << '\n';
  }
}

std::uint16_t free_port() {
  Socket socket;
  sockaddr_in address = loopback_address(0);
  if (::bind(socket.fd(), reinterpret_cast<sockaddr*>(&address),
             sizeof(address)) != 0) {
    throw_errno("could not bind 127.0.0.1:0");
  }

  socklen_t length = sizeof(address);
  if (::getsockname(socket.fd(), reinterpret_cast<sockaddr*>(&address),
                    &length) != 0) {
    throw_errno("could not read the bound port");
  }
  return ntohs(address.sin_port);
}

bool port_accepts(std::uint16_t port) {
  Socket socket;
  sockaddr_in address = loopback_address(port);
  return ::connect(socket.fd(), reinterpret_cast<sockaddr*>(&address),
                   sizeof(address)) == 0;
}

bool wait_until(const std::function<bool()>& predicate,
                std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) {
      return true;
    }
    std::this_thread::sleep_for(interval);
  }
  return predicate();
}

std::string read_file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("could not open '" + path.string() + "'");
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad()) {
    throw std::runtime_error("could not read '" + path.string() + "'");
  }
  return bytes;
}

void write_file_bytes(const std::filesystem::path& path,
                      std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    throw std::runtime_error("could not write '" + path.string() + "'");
  }
}

}  // namespace revaer::test
