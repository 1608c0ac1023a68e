#include "cli/commands.hpp"
#include "cli/json_fields.hpp"

namespace revaer::client {

namespace {

constexpr std::size_t kMaxChangesetBytes = 4 * 1024 * 1024;

std::string changeset_body(const std::string& file) {
  if (file.empty()) {
    return "{}";
  }
  const auto text = read_input(file, kMaxChangesetBytes);
  const auto source = file == "-" ? std::string("standard input") : "'" + file + "'";
  try {
    const auto changeset = nlohmann::json::parse(text);
    if (!changeset.is_object()) {
      throw UsageError("the changeset in " + source + " must be a JSON object");
    }
    return changeset.dump();
  } catch (const nlohmann::json::parse_error& error) {
    throw UsageError("invalid JSON in " + source + ": " + error.what());
  }
}

}  // namespace

int run_setup_start(CommandContext& ctx, const SetupStartArgs& args) {
  nlohmann::json body = nlohmann::json::object();
  if (args.issued_by) {
    body["issued_by"] = *args.issued_by;
  }
  if (args.ttl_seconds) {
    body["ttl_seconds"] = *args.ttl_seconds;
  }

  const auto response = ctx.session.send("POST", "/admin/setup/start", body.dump());
  return deliver(ctx, response, [&](const nlohmann::json& result) {
    const auto token = string_field(result, "token");
    ctx.out << "Setup token: " << token << '\n'
            << "Expires at:  " << string_field(result, "expires_at") << '\n'
            << "Finish with: revaer setup complete --token " << token << " --file CHANGESET.json\n";
  });
}

int run_setup_complete(CommandContext& ctx, const SetupCompleteArgs& args) {
  if (args.token.empty()) {
    throw UsageError(
        "missing setup token: pass --token or set "
        "REVAER_SETUP_TOKEN");
  }
  const auto body = changeset_body(args.file);

  const auto response = ctx.session.send("POST", "/admin/setup/complete", body,
                                         {{"x-revaer-setup-token", args.token}});
  return deliver(ctx, response, [&](const nlohmann::json& result) {
    ctx.out << "Setup complete.\n\n"
            << "  API key: " << string_field(result, "api_key") << "\n\n"
            << "This key is shown only once. Store it now, for example in "
               "REVAER_API_KEY.\n";
  });
}

}  // namespace revaer::client
