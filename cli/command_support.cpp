#include "cli/commands.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

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
      throw UsageError(source_name + " is larger than " +
                       std::to_string(max_bytes / (1024 * 1024)) + " MiB");
    }
  }
  if (in.bad()) {
    throw UsageError("could not read " + source_name);
  }
  return data;
}

}  // namespace

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
  const int code = exit_code_for_status(response.status);
  if (code != kExitOk) {
    print_problem(ctx.err, response, ctx.session.request_id());
    return code;
  }

  if (ctx.options.output == OutputFormat::json) {
    ctx.out << (response.body.empty() ? "{}" : response.body);
    if (response.body.empty() || response.body.back() != '\n') {
      ctx.out << '\n';
    }
    return kExitOk;
  }

  auto body = response.body.empty() ? nlohmann::json::object()
                                    : nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    ctx.err << "error: the daemon returned HTTP " << response.status
            << " with a body that is not a JSON object\n"
            << "request id: " << ctx.session.request_id() << '\n';
    return kExitRuntime;
  }
  render(body);
  return kExitOk;
}

}  // namespace revaer::client
