#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"

namespace revaer {

// The exit status and output of a program that run_program ran.
struct ProgramExit {
  int exit_code = -1;  // -1 when a signal ended it
  int signal = 0;
  std::string output_tail;  // the last few KiB of stdout and stderr together
};

// Runs argv[0] (looked up in PATH when it has no '/') with the arguments
// argv[1..], without a shell, stdin from /dev/null, and waits for it.
// Problems: 404 when the program cannot be found, 500 when it cannot be
// started. Blocks the calling thread.
Result<ProgramExit> run_program(const std::vector<std::string>& argv);

}  // namespace revaer
