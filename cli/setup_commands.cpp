#include "cli/commands.hpp"
#include "cli/json_fields.hpp"

namespace revaer::client {

namespace {

std::string changeset_body(const std::string& file) {
  return file.empty() ? std::string("{}") : read_changeset(file);
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
