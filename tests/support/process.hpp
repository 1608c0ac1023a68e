#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace revaer::test {

// Variables added to (or replacing those of) the test process's environment
// for a child.
using Environment = std::map<std::string, std::string>;

// How a child process ended.
struct ExitStatus {
  int code = -1;   // the exit code when the process exited normally
  int signal = 0;  // the signal that ended it, 0 when it exited normally

  bool exited() const { return signal == 0; }
  // Returns the exit code, or 128 + signal as a shell reports it.
  int shell_code() const { return exited() ? code : 128 + signal; }
  std::string describe() const;
};

// A child process started without a shell. Stdin is /dev/null; stdout and
// stderr are appended to files. The child gets SIGKILL if the thread that
// started it exits first, so a crashed test leaves no servers behind
// (except children that change their user id, which clears that setting).
//
// Not thread-safe: one thread owns and waits for the process.
class Process {
 public:
  // Starts argv[0], looked up in PATH when it contains no '/'. Throws
  // std::runtime_error when the program cannot be executed.
  Process(const std::vector<std::string>& argv, const Environment& env,
          const std::filesystem::path& stdout_path,
          const std::filesystem::path& stderr_path);

  // Stops the process with stop() when it is still running.
  ~Process();

  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  // Returns false once the process has exited (and reaps it).
  bool running();

  // Waits up to `timeout` for the process to exit. Returns nullopt when it
  // is still running.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);

  // Sends `signal` unless the process has already been reaped.
  void send_signal(int signal);

  // Sends SIGTERM, waits up to `grace`, then sends SIGKILL and waits.
  ExitStatus stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // The exit status once the process has been reaped.
  const std::optional<ExitStatus>& exit_status() const { return status_; }

 private:
  pid_t pid_ = -1;
  std::optional<ExitStatus> status_;
};

struct CommandResult {
  ExitStatus status;
  bool timed_out = false;  // the command was killed after the timeout
  std::string stdout_text;
  std::string stderr_text;

  // Returns the exit code, or 128 + signal.
  int exit_code() const { return status.shell_code(); }
};

// Runs a command to completion with `stdin_text` as its input and returns
// its output. A command still running after `timeout` gets SIGKILL. Throws
// std::runtime_error when the program cannot be executed.
CommandResult run_command(const std::vector<std::string>& argv,
                          const Environment& env = {},
                          const std::string& stdin_text = {},
                          std::chrono::milliseconds timeout =
                              std::chrono::seconds(120));

// Returns the last `max_bytes` of a log file, or an empty string when it
// cannot be read. Meant for failure messages.
std::string tail_of_file(const std::filesystem::path& path,
                         std::size_t max_bytes = 4000);

}  // namespace revaer::test
