#include "fsops/program_runner.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "fsops/file_placement.hpp"
#include "fsops/unique_fd.hpp"

extern char** environ;

namespace revaer {
namespace {

constexpr std::size_t kTailBytes = 4096;

// Spawn attributes and file actions, destroyed on scope exit.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  SpawnSetup() { posix_spawn_file_actions_init(&actions); }
  ~SpawnSetup() { posix_spawn_file_actions_destroy(&actions); }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Reads `fd` to its end, keeping only the last kTailBytes.
std::string read_tail(int fd) {
  std::string tail;
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) {
      continue;
    }
    if (got <= 0) {
      return tail;
    }
    tail.append(buffer, static_cast<std::size_t>(got));
    if (tail.size() > kTailBytes) {
      tail.erase(0, tail.size() - kTailBytes);
    }
  }
}

ProgramExit wait_for_exit(pid_t pid, std::string output) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ProgramExit exit;
  exit.output_tail = std::move(output);
  if (WIFEXITED(status)) {
    exit.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    exit.signal = WTERMSIG(status);
  }
  return exit;
}

}  // namespace

Result<ProgramExit> run_program(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return Problem::internal("could not create a pipe for '" + argv.front() +
                             "': " + errno_text(errno));
  }
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);

  SpawnSetup setup;
  posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&setup.actions, write_end.get(), STDERR_FILENO);

  std::vector<char*> args;
  for (const std::string& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error =
      ::posix_spawnp(&pid, args.front(), &setup.actions, nullptr, args.data(), environ);
  if (error == ENOENT) {
    return Problem::not_found("program '" + argv.front() + "' was not found in PATH; install it");
  }
  if (error != 0) {
    return Problem::internal("could not start '" + argv.front() + "': " + errno_text(error));
  }
  write_end.reset();
  std::string output = read_tail(read_end.get());
  return wait_for_exit(pid, std::move(output));
}

}  // namespace revaer
