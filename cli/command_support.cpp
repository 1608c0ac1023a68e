#include "cli/commands.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "cli/json_fields.hpp"
#include "cli/problem_output.hpp"

namespace revaer::client {

namespace {

std::string read_stream(std::istream& in, std::size_t max_bytes, const std::string& source_name) {
  std::string data;
  char chunk[64 * 1024];
  while (in) {
    in.read(chunk, sizeof chunk);
    data.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (data.size() > max_bytes) {
      const bool whole_mib = max_bytes % (1024 * 1024) == 0;
      throw UsageError(source_name + " is larger than " +
                       (whole_mib ? std::to_string(max_bytes / (1024 * 1024)) + " MiB"
                                  : std::to_string(max_bytes / 1024) + " KiB"));
    }
  }
  if (in.bad()) {
    throw UsageError("could not read " + source_name);
  }
  return data;
}

constexpr std::size_t kMaxChangesetBytes = 4 * 1024 * 1024;
constexpr std::size_t kMaxDetailBytes = 512;

// Returns the problem document of an error response: its body when that is
// a JSON object, else a problem built from the status and the body's text.
nlohmann::json problem_document(const HttpResponse& response, const std::string& request_id) {
  auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    return body;
  }
  nlohmann::json problem = {{"type", "about:blank"},
                            {"title", "HTTP " + std::to_string(response.status)},
                            {"status", response.status},
                            {"request_id", request_id}};
  if (!response.body.empty()) {
    problem["detail"] = response.body.substr(0, kMaxDetailBytes);
  }
  return problem;
}

}  // namespace

std::string read_changeset(const std::string& path) {
  const auto text = read_input(path, kMaxChangesetBytes);
  const auto source = path == "-" ? std::string("standard input") : "'" + path + "'";
  // The daemon rejects deeper documents anyway, and serialising a very deep
  // one would overflow the stack, so the depth is checked while parsing.
  constexpr int kMaxChangesetDepth = 32;
  const auto check_depth = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > kMaxChangesetDepth) {
      throw UsageError("the changeset in " + source + " nests deeper than " +
                       std::to_string(kMaxChangesetDepth) + " levels");
    }
    return true;
  };
  nlohmann::json changeset;
  try {
    changeset = nlohmann::json::parse(text, check_depth);
  } catch (const nlohmann::json::parse_error& error) {
    throw UsageError("invalid JSON in " + source + ": " + error.what());
  }
  if (!changeset.is_object()) {
    throw UsageError("the changeset in " + source + " must be a JSON object");
  }
  return changeset.dump();
}

void print_json(CommandContext& ctx, const nlohmann::json& document) {
  ctx.out << document.dump() << '\n';
}

int report_failure(CommandContext& ctx, const HttpResponse& response) {
  print_problem(ctx.err, response, ctx.session.request_id());
  if (ctx.options.output == OutputFormat::json) {
    print_json(ctx, problem_document(response, ctx.session.request_id()));
  }
  const int code = exit_code_for_status(response.status);
  return code == kExitOk ? kExitRuntime : code;
}

std::string read_input(const std::string& path, std::size_t max_bytes) {
  if (path == "-") {
    return read_stream(std::cin, max_bytes, "standard input");
  }

  std::ifstream file(path, std::ios::binary);
  if (!file) {
    throw UsageError("could not open '" + path + "': " + std::strerror(errno));
  }
  return read_stream(file, max_bytes, "'" + path + "'");
}

int deliver(CommandContext& ctx, const HttpResponse& response,
            const std::function<void(const nlohmann::json&)>& render) {
  if (exit_code_for_status(response.status) != kExitOk) {
    return report_failure(ctx, response);
  }

  auto body = response.body.empty() ? nlohmann::json::object()
                                    : nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    ctx.err << "error: the daemon returned HTTP " << response.status
            << " with a body that is not a JSON object\n"
            << "request id: " << ctx.session.request_id() << '\n';
    return kExitRuntime;
  }

  if (ctx.options.output == OutputFormat::json) {
    ctx.out << (response.body.empty() ? "{}" : response.body);
    if (response.body.empty() || response.body.back() != '\n') {
      ctx.out << '\n';
    }
    return kExitOk;
  }
  render(body);
  return kExitOk;
}

}  // namespace revaer::client
