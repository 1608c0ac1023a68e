#include "cli/app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/api_session.hpp"
#include "cli/error_capture.hpp"
#include "cli/invocation.hpp"
#include "cli/telemetry_event.hpp"
#include "core/crypto.hpp"
#include "core/version.hpp"

namespace revaer::client {

namespace {

constexpr auto kMaxTelemetryTimeout = std::chrono::seconds(2);

// Accepts "key_id:secret" with both parts present and no whitespace or
// control characters, which would otherwise end up in a request header.
std::string check_api_key(const std::string& key) {
  if (key.empty()) {
    return {};
  }
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte != 0x7f;
  });
  const auto colon = key.find(':');
  if (!printable || colon == 0 || colon == std::string::npos || colon + 1 == key.size()) {
    return "the API key must look like key_id:secret, without spaces or control characters";
  }
  return {};
}

void add_global_options(CLI::App& app, Invocation& inv) {
  app.add_option("--api-url", inv.options.api_url, "Daemon base URL, http://host[:port]")
      ->envname("REVAER_API_URL")
      ->capture_default_str();
  app.add_option("--api-key", inv.options.api_key,
                 "API key as key_id:secret, sent as x-revaer-api-key")
      ->envname("REVAER_API_KEY")
      ->check(CLI::Validator(check_api_key, "KEY_ID:SECRET"));
  app.add_option("--timeout", inv.options.timeout_secs, "HTTP timeout for each request, in seconds")
      ->envname("REVAER_HTTP_TIMEOUT_SECS")
      ->capture_default_str();
  app.add_option("--output", inv.output, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_flag("-v,--verbose", inv.options.verbose,
               "Log each request and response status to stderr, the key secret masked");
}

// Returns the names of the subcommands the parser selected, joined by
// spaces: "keys create". Also works after a failed parse, with the part
// that was parsed.
std::string command_path(const CLI::App& app) {
  std::string path;
  const CLI::App* current = &app;
  while (true) {
    const auto selected = current->get_subcommands();
    if (selected.empty()) {
      return path;
    }
    current = selected.front();
    path += (path.empty() ? "" : " ") + current->get_name();
  }
}

int run_command(Invocation& inv, const std::string& request_id, std::ostream& err) {
  try {
    if (inv.local_command) {
      return inv.local_command(std::cout);
    }
    ApiSession session(inv.options, request_id, err);
    CommandContext ctx{inv.options, session, std::cout, err};
    return inv.command(ctx);
  } catch (const UsageError& error) {
    err << "error: " << error.what() << '\n';
    return kExitValidation;
  } catch (const HttpError& error) {
    err << "error: request to the daemon at " << inv.options.api_url << " failed: " << error.what()
        << '\n'
        << "request id: " << request_id << '\n';
    return kExitRuntime;
  } catch (const std::exception& error) {
    err << "error: " << error.what() << '\n' << "request id: " << request_id << '\n';
    return kExitRuntime;
  }
}

std::chrono::milliseconds telemetry_timeout(const GlobalOptions& options) {
  const double secs = options.timeout_secs;
  if (secs > 0.0 && secs < 2.0) {
    return std::chrono::milliseconds(
        std::max<std::int64_t>(1, static_cast<std::int64_t>(secs * 1000)));
  }
  return kMaxTelemetryTimeout;
}

void send_telemetry(const Invocation& inv, const std::string& command,
                    const std::string& request_id, int exit_code, const std::string& message) {
  const char* endpoint = std::getenv("REVAER_TELEMETRY_ENDPOINT");
  if (endpoint == nullptr || *endpoint == '\0') {
    return;
  }
  TelemetryEvent event;
  event.command = command;
  event.trace_id = request_id;
  event.exit_code = exit_code;
  event.message = exit_code == kExitOk ? "" : message;
  event.timestamp_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  post_telemetry(endpoint, event, telemetry_timeout(inv.options), inv.options.verbose, std::cerr);
}

}  // namespace

int run_cli(int argc, char** argv) {
  Invocation inv;
  CLI::App app("Command-line client of the Revaer torrent daemon", "revaer");
  app.fallthrough();
  app.require_subcommand(1);
  app.set_version_flag("--version",
                       std::string("revaer ") + build_version() + " (" + build_commit() + ")");
  add_global_options(app, inv);
  add_torrent_commands(app, inv);
  add_admin_commands(app, inv);
  inv.root = &app;
  const auto request_id = new_uuid();

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    return app.exit(success);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    send_telemetry(inv, command_path(app), request_id, kExitValidation, error.what());
    return kExitValidation;
  }

  inv.options.output = inv.output == "json" ? OutputFormat::json : OutputFormat::table;
  ErrorCapture err(std::cerr);
  int code = kExitValidation;
  if (!inv.command && !inv.local_command) {
    err.stream() << "error: no command given; run revaer --help\n";
  } else {
    code = run_command(inv, request_id, err.stream());
  }
  send_telemetry(inv, command_path(app), request_id, code, err.first_error());
  return code;
}

}  // namespace revaer::client
