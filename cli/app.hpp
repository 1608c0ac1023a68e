#pragma once

namespace revaer::client {

// Runs the revaer command line: parses `argv`, sends the command's requests
// and prints to stdout and stderr. Returns the process exit code: 0 success,
// 2 invalid arguments or a 4xx response other than 429, 3 a transport failure,
// a 5xx response or 429.
int run_cli(int argc, char** argv);

}  // namespace revaer::client
