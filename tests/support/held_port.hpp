#pragma once

namespace revaer::test {

// A TCP socket listening on 127.0.0.1 on a port the kernel picked, so no
// other socket can listen there until release() or destruction.
class HeldPort {
 public:
  // Throws std::runtime_error when the socket cannot be set up.
  HeldPort();
  ~HeldPort();
  HeldPort(const HeldPort&) = delete;
  HeldPort& operator=(const HeldPort&) = delete;

  int port() const { return port_; }
  // Closes the socket, so the port is free again.
  void release();

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace revaer::test
