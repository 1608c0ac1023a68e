#pragma once

#include <stdexcept>
#include <string>

namespace revaer::client {

// Process exit codes, shared by every command.
constexpr int kExitOk = 0;
constexpr int kExitValidation = 2;  // bad arguments, 4xx other than 429
constexpr int kExitRuntime = 3;     // transport failures, 5xx, 429

// An argument that passed CLI11's parsing but is still invalid (a missing
// file, a malformed UUID). Commands throw it before sending any request.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class OutputFormat { table, json };

// Options shared by every command, from flags or environment variables.
struct GlobalOptions {
  std::string api_url = "http://127.0.0.1:7070";
  std::string api_key;  // empty: no key header is sent
  double timeout_secs = 10.0;
  OutputFormat output = OutputFormat::table;
  bool verbose = false;
};

}  // namespace revaer::client
