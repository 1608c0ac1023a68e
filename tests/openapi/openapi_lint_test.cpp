#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/daemon.hpp"
#include "tests/support/process.hpp"
#include "tests/support/source_paths.hpp"
#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The folder whose package-lock.json pins @redocly/cli, which
// scripts/bootstrap.sh --tests installs.
fs::path lint_dir() { return source_dir() / "tests" / "openapi"; }

// Runs the pinned redocly lint on `document` with tests/openapi/redocly.yaml
// and returns its JSON report. Telemetry and update checks are off, so the
// linter opens no connection.
CommandResult run_redocly(const fs::path& document) {
  fs::path cli = lint_dir() / "node_modules" / "@redocly" / "cli" / "bin" / "cli.js";
  Environment env = {
      {"REDOCLY_TELEMETRY", "off"},
      {"REDOCLY_SUPPRESS_UPDATE_NOTICE", "true"},
      {"REDOCLY_SUPPRESS_NOTIFICATIONS", "true"},
      {"NO_COLOR", "1"},
  };
  return run_command(
      {"node", cli.string(), "lint", document.string(), "--config",
       (lint_dir() / "redocly.yaml").string(), "--format", "json", "--max-problems", "1000"},
      env, {}, std::chrono::minutes(5));
}

TEST(OpenApiLint, ServedDocumentHasNoProblems) {
  ASSERT_TRUE(fs::exists(lint_dir() / "node_modules" / "@redocly" / "cli"))
      << "@redocly/cli is missing in " << lint_dir() << "; run scripts/bootstrap.sh --tests";

  TempDir dir("revaer-openapi");
  RevaerDaemon daemon(dir / "data", dir / "logs");  // in setup mode, without a key
  client::HttpResponse response = daemon.send("GET", "/docs/openapi.json");
  ASSERT_EQ(response.status, 200) << response.body;
  ASSERT_EQ(response.headers["content-type"], "application/json");
  ASSERT_EQ(json::parse(response.body).at("openapi"), "3.1.0");

  fs::path document = dir / "openapi.json";
  write_file_bytes(document, response.body);
  CommandResult lint = run_redocly(document);
  ASSERT_FALSE(lint.timed_out) << lint.stderr_text;

  json report = json::parse(lint.stdout_text, nullptr, false);
  ASSERT_FALSE(report.is_discarded())
      << "redocly printed no JSON report; exit " << lint.exit_code() << "\n"
      << lint.stdout_text << "\n"
      << lint.stderr_text;
  std::string problems = report.value("problems", json::array()).dump(2);
  EXPECT_EQ(report.at("totals").at("errors"), 0) << problems;
  EXPECT_EQ(report.at("totals").at("warnings"), 0) << problems;
  EXPECT_EQ(lint.exit_code(), 0) << lint.stderr_text;
}

}  // namespace
}  // namespace revaer::test
