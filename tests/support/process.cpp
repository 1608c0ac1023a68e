#include "tests/support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <utility>

extern char** environ;

namespace revaer::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

[[noreturn]] void throw_errno(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Owns one file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }

  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;

  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
    fd_ = -1;
  }

 private:
  int fd_;
};

struct ChildFds {
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
};

Fd open_or_throw(const std::filesystem::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) {
    throw_errno("could not open '" + path.string() + "'");
  }
  return Fd(fd);
}

std::vector<std::string> merged_environment(const Environment& additions) {
  Environment merged;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      merged[std::string(text.substr(0, equals))] =
          std::string(text.substr(equals + 1));
    }
  }
  for (const auto& [name, value] : additions) {
    merged[name] = value;
  }

  std::vector<std::string> entries;
  for (const auto& [name, value] : merged) {
    entries.push_back(name + "=" + value);
  }
  return entries;
}

// Resolves a program name against PATH in the parent, because only
// async-signal-safe calls may run between fork and exec.
std::string resolve_program(const std::string& program) {
  if (program.find('/') != std::string::npos) {
    return program;
  }
  const char* path_variable = std::getenv("PATH");
  std::string_view search = path_variable != nullptr
                                ? path_variable
                                : "/usr/local/bin:/usr/bin:/bin";
  while (!search.empty()) {
    auto colon = search.find(':');
    std::string_view dir = search.substr(0, colon);
    std::filesystem::path candidate = std::filesystem::path(dir) / program;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
    search = colon == std::string_view::npos ? std::string_view()
                                             : search.substr(colon + 1);
  }
  throw std::runtime_error("could not find program '" + program +
                           "' in PATH");
}

std::vector<char*> to_pointers(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

// Runs in the forked child: only async-signal-safe calls. Reports the
// errno of a failed step through `error_fd` and exits with 127.
[[noreturn]] void exec_child(const char* program, char* const* argv,
                             char* const* envp, ChildFds fds,
                             pid_t parent_pid, int error_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent_pid) {
    ::_exit(127);
  }

  sigset_t empty;
  ::sigemptyset(&empty);
  ::sigprocmask(SIG_SETMASK, &empty, nullptr);
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &default_action, nullptr);

  if (::dup2(fds.stdin_fd, 0) < 0 || ::dup2(fds.stdout_fd, 1) < 0 ||
      ::dup2(fds.stderr_fd, 2) < 0) {
    int error = errno;
    [[maybe_unused]] auto written = ::write(error_fd, &error, sizeof(error));
    ::_exit(127);
  }
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

  ::execve(program, argv, envp);
  int error = errno;
  [[maybe_unused]] auto written = ::write(error_fd, &error, sizeof(error));
  ::_exit(127);
}

pid_t spawn(const std::vector<std::string>& argv, const Environment& env,
            ChildFds fds) {
  if (argv.empty()) {
    throw std::invalid_argument("a command needs at least a program name");
  }
  std::string program = resolve_program(argv[0]);
  std::vector<std::string> argv_copy = argv;
  std::vector<std::string> env_entries = merged_environment(env);
  std::vector<char*> argv_pointers = to_pointers(argv_copy);
  std::vector<char*> env_pointers = to_pointers(env_entries);

  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) {
    throw_errno("could not create a pipe");
  }
  Fd error_read(error_pipe[0]);
  Fd error_write(error_pipe[1]);

  pid_t parent_pid = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    throw_errno("could not fork for '" + program + "'");
  }
  if (pid == 0) {
    exec_child(program.c_str(), argv_pointers.data(), env_pointers.data(),
               fds, parent_pid, error_write.get());
  }

  error_write.reset();
  int child_errno = 0;
  ssize_t count = 0;
  do {
    count = ::read(error_read.get(), &child_errno, sizeof(child_errno));
  } while (count < 0 && errno == EINTR);
  if (count == sizeof(child_errno)) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error("could not execute '" + program +
                             "': " + std::strerror(child_errno));
  }
  return pid;
}

ExitStatus decode_status(int raw) {
  ExitStatus status;
  if (WIFEXITED(raw)) {
    status.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  }
  return status;
}

// Writes `text` into an anonymous in-memory file positioned at its start.
Fd memory_file_with(const std::string& text) {
  Fd fd(::memfd_create("revaer-test-stdin", MFD_CLOEXEC));
  if (fd.get() < 0) {
    throw_errno("could not create an in-memory file");
  }
  std::size_t offset = 0;
  while (offset < text.size()) {
    ssize_t written =
        ::write(fd.get(), text.data() + offset, text.size() - offset);
    if (written < 0) {
      throw_errno("could not write command input");
    }
    offset += static_cast<std::size_t>(written);
  }
  ::lseek(fd.get(), 0, SEEK_SET);
  return fd;
}

// Reads what is available on `fd` into `out`. Returns false at end of
// stream.
bool drain_some(int fd, std::string& out) {
  char buffer[65536];
  ssize_t count = ::read(fd, buffer, sizeof(buffer));
  if (count < 0) {
    return errno == EINTR || errno == EAGAIN;
  }
  out.append(buffer, static_cast<std::size_t>(count));
  return count > 0;
}

int remaining_ms(steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline -
                                                       steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

std::string ExitStatus::describe() const {
  if (exited()) {
    return "exit code " + std::to_string(code);
  }
  return "signal " + std::to_string(signal) + " (" + ::strsignal(signal) +
         ")";
}

Process::Process(const std::vector<std::string>& argv, const Environment& env,
                 const std::filesystem::path& stdout_path,
                 const std::filesystem::path& stderr_path) {
  Fd in = open_or_throw("/dev/null", O_RDONLY);
  Fd out = open_or_throw(stdout_path, O_WRONLY | O_CREAT | O_APPEND);
  Fd err = open_or_throw(stderr_path, O_WRONLY | O_CREAT | O_APPEND);
  pid_ = spawn(argv, env, {in.get(), out.get(), err.get()});
}

Process::~Process() {
  if (running()) {
    stop();
  }
}

bool Process::running() {
  if (status_) {
    return false;
  }
  int raw = 0;
  pid_t result = ::waitpid(pid_, &raw, WNOHANG);
  if (result == pid_) {
    status_ = decode_status(raw);
    return false;
  }
  return result == 0;
}

std::optional<ExitStatus> Process::wait_for(milliseconds timeout) {
  auto deadline = steady_clock::now() + timeout;
  while (running()) {
    if (steady_clock::now() >= deadline) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  return status_;
}

void Process::send_signal(int signal) {
  if (!status_) {
    ::kill(pid_, signal);
  }
}

ExitStatus Process::stop(milliseconds grace) {
  send_signal(SIGTERM);
  if (auto status = wait_for(grace)) {
    return *status;
  }
  send_signal(SIGKILL);
  int raw = 0;
  while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
  }
  status_ = decode_status(raw);
  return *status_;
}

CommandResult run_command(const std::vector<std::string>& argv,
                          const Environment& env,
                          const std::string& stdin_text,
                          milliseconds timeout) {
  Fd input = memory_file_with(stdin_text);
  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw_errno("could not create a pipe");
  }
  Fd out_read(out_pipe[0]);
  Fd out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw_errno("could not create a pipe");
  }
  Fd err_read(err_pipe[0]);
  Fd err_write(err_pipe[1]);

  pid_t pid = spawn(argv, env, {input.get(), out_write.get(), err_write.get()});
  out_write.reset();
  err_write.reset();

  CommandResult result;
  auto deadline = steady_clock::now() + timeout;
  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.stdout_text, &result.stderr_text};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    int ready = ::poll(fds, 2, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready < 0) {
      throw_errno("could not poll the output of '" + argv[0] + "'");
    }
    if (ready == 0 && !result.timed_out) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      deadline = steady_clock::now() + std::chrono::seconds(5);
      continue;
    }
    if (ready == 0) {
      break;  // a grandchild keeps the pipes open
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd >= 0 && fds[i].revents != 0 &&
          !drain_some(fds[i].fd, *sinks[i])) {
        fds[i].fd = -1;
      }
    }
  }

  int raw = 0;
  while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  result.status = decode_status(raw);
  return result;
}

std::string tail_of_file(const std::filesystem::path& path,
                         std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    return {};
  }
  auto size = static_cast<std::size_t>(in.tellg());
  std::size_t start = size > max_bytes ? size - max_bytes : 0;
  in.seekg(static_cast<std::streamoff>(start));
  std::string text(size - start, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return text;
}

}  // namespace revaer::test
