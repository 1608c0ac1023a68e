#include "tests/support/held_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace revaer::test {

HeldPort::HeldPort() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  const bool ready = fd_ >= 0 &&
                     ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                     ::listen(fd_, 1) == 0 &&
                     ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  if (!ready) {
    const std::string reason = std::strerror(errno);
    release();
    throw std::runtime_error("could not listen on a loopback port: " + reason);
  }
  port_ = ntohs(address.sin_port);
}

HeldPort::~HeldPort() { release(); }

void HeldPort::release() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

}  // namespace revaer::test
