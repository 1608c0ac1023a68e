#include "tests/support/daemon.hpp"

#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>
#include <system_error>

#include "tests/support/temp_dir.hpp"

namespace revaer::test {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kCliTimeout = std::chrono::seconds(60);
constexpr auto kHttpTimeout = std::chrono::seconds(30);
constexpr const char* kSetprivPath = "/usr/bin/setpriv";

std::string trim(std::string text) {
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r'; };
  while (!text.empty() && is_space(text.back())) {
    text.pop_back();
  }
  while (!text.empty() && is_space(text.front())) {
    text.erase(text.begin());
  }
  return text;
}

// Accepts "HOST:PORT" with a non-zero decimal port.
bool is_host_port(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return false;
  }
  std::string port = text.substr(colon + 1);
  return port.find_first_not_of("0123456789") == std::string::npos &&
         port.size() <= 5 && std::stoi(port) > 0;
}

const nlohmann::json& field(const nlohmann::json& document,
                            const char* pointer) {
  static const nlohmann::json kNull;
  nlohmann::json::json_pointer path(pointer);
  return document.contains(path) ? document.at(path) : kNull;
}

}  // namespace

std::string CliResult::describe() const {
  return "exit code " + std::to_string(exit_code) + "\nstdout: " +
         stdout_text + "\nstderr: " + stderr_text;
}

Cli::Cli(std::string api_url, std::string api_key)
    : api_url_(std::move(api_url)), api_key_(std::move(api_key)) {}

CliResult Cli::run(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {REVAER_BINARY_DIR "/revaer", "--api-url",
                                   api_url_};
  if (!api_key_.empty()) {
    argv.insert(argv.end(), {"--api-key", api_key_});
  }
  argv.insert(argv.end(), {"--output", "json"});
  argv.insert(argv.end(), args.begin(), args.end());

  CommandResult command = run_command(argv, {}, {}, kCliTimeout);
  CliResult result;
  result.exit_code = command.exit_code();
  result.stdout_text = std::move(command.stdout_text);
  result.stderr_text = std::move(command.stderr_text);
  result.json = nlohmann::json::parse(result.stdout_text, nullptr, false);
  if (result.json.is_discarded()) {
    result.json = nullptr;
  }
  return result;
}

nlohmann::json Cli::run_ok(const std::vector<std::string>& args) const {
  CliResult result = run(args);
  if (result.exit_code != 0 || result.json.is_null()) {
    std::string command;
    for (const auto& arg : args) {
      command += " " + arg;
    }
    throw std::runtime_error("revaer" + command + " failed: " +
                             result.describe());
  }
  return result.json;
}

std::optional<DaemonUser> unprivileged_user(std::string& reason) {
  if (::geteuid() != 0) {
    reason = "the test does not run as root, so it cannot switch users";
    return std::nullopt;
  }
  if (::access(kSetprivPath, X_OK) != 0) {
    reason = std::string(kSetprivPath) + " is missing (Debian package util-linux)";
    return std::nullopt;
  }
  const struct passwd* user = ::getpwnam("nobody");
  const struct group* group = ::getgrnam("nogroup");
  if (user == nullptr || group == nullptr) {
    reason = "the user 'nobody' or the group 'nogroup' does not exist";
    return std::nullopt;
  }
  return DaemonUser{user->pw_uid, group->gr_gid};
}

RevaerDaemon::RevaerDaemon(std::filesystem::path data_dir,
                           std::filesystem::path log_dir,
                           std::optional<DaemonUser> user)
    : data_dir_(std::move(data_dir)),
      log_dir_(std::move(log_dir)),
      user_(user) {
  std::filesystem::create_directories(data_dir_);
  std::filesystem::create_directories(log_dir_);
  if (user_ && ::chown(data_dir_.c_str(), user_->uid, user_->gid) != 0) {
    throw std::system_error(errno, std::generic_category(),
                            "could not give '" + data_dir_.string() +
                                "' to the daemon's user");
  }
  start();
}

RevaerDaemon::~RevaerDaemon() {
  if (process_ && process_->running()) {
    process_->stop(std::chrono::seconds(30));
  }
}

std::filesystem::path RevaerDaemon::log_path() const {
  return log_dir_ / ("revaerd-" + std::to_string(run_count_) + ".log");
}

std::string RevaerDaemon::log_tail() const { return tail_of_file(log_path()); }

std::string RevaerDaemon::read_listen_address() const {
  try {
    return trim(read_file_bytes(data_dir_ / "listen.addr"));
  } catch (const std::runtime_error&) {
    return {};
  }
}

void RevaerDaemon::start(bool wait_for_loading) {
  if (process_ && process_->running()) {
    throw std::logic_error("revaerd is already running");
  }
  std::filesystem::remove(data_dir_ / "listen.addr");
  ++run_count_;
  std::vector<std::string> argv;
  if (user_) {
    // Changing the user clears the parent-death signal that Process sets,
    // so setpriv sets it again.
    argv = {kSetprivPath,
            "--reuid=" + std::to_string(user_->uid),
            "--regid=" + std::to_string(user_->gid),
            "--clear-groups",
            "--pdeathsig=SIGKILL",
            "--"};
  }
  argv.insert(argv.end(), {REVAER_BINARY_DIR "/revaerd", "--data-dir",
                           data_dir_.string(), "--listen", "127.0.0.1:0"});
  process_ =
      std::make_unique<Process>(argv, Environment{}, log_path(), log_path());

  std::string address;
  bool listening = wait_until(
      [&] {
        address = read_listen_address();
        return is_host_port(address) || !process_->running();
      },
      kStartTimeout, std::chrono::milliseconds(50));
  if (!listening || !process_->running()) {
    std::string reason = process_->running()
                             ? "no listen.addr within 60 s"
                             : process_->exit_status()->describe();
    process_->stop(std::chrono::seconds(5));
    throw std::runtime_error("revaerd did not start (" + reason +
                             "): " + log_tail());
  }
  api_url_ = "http://" + address;
  if (wait_for_loading) wait_loaded();
}

void RevaerDaemon::wait_loaded(std::chrono::milliseconds timeout) {
  std::string last;
  const bool loaded = wait_until(
      [&] {
        client::HttpResponse response = send("GET", "/health/full");
        last = std::to_string(response.status) + " " + response.body;
        if (response.status != 200) return false;
        const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
        return body.is_object() && body.contains("torrents") &&
               body["torrents"].value("loading", -1) == 0;
      },
      timeout, std::chrono::milliseconds(50));
  if (!loaded) {
    throw std::runtime_error("revaerd did not load its stored torrents in time; last /health/full: " +
                             last);
  }
}

std::optional<ExitStatus> RevaerDaemon::terminate(
    std::chrono::milliseconds timeout) {
  process_->send_signal(SIGTERM);
  auto status = process_->wait_for(timeout);
  if (!status) {
    process_->stop(std::chrono::seconds(0));
  }
  return status;
}

void RevaerDaemon::kill9() {
  process_->send_signal(SIGKILL);
  process_->wait_for(std::chrono::seconds(30));
}

bool RevaerDaemon::running() { return process_ && process_->running(); }

void RevaerDaemon::complete_setup(const nlohmann::json& changeset) {
  Cli anonymous(api_url_, "");
  nlohmann::json started = anonymous.run_ok({"setup", "start"});
  std::string token = started.at("token").get<std::string>();

  std::filesystem::path changeset_path =
      log_dir_ / ("changeset-" + std::to_string(run_count_) + ".json");
  write_file_bytes(changeset_path, changeset.dump(2));
  nlohmann::json completed = anonymous.run_ok(
      {"setup", "complete", "--token", token, "--file",
       changeset_path.string()});
  api_key_ = completed.at("api_key").get<std::string>();
}

client::HttpResponse RevaerDaemon::send(const std::string& method,
                                        const std::string& target,
                                        const std::string& body) const {
  client::HttpClient http(api_url_, kHttpTimeout);
  client::HttpRequest request;
  request.method = method;
  request.target = target;
  request.body = body;
  if (!body.empty()) {
    request.headers.emplace_back("content-type", "application/json");
  }
  if (!api_key_.empty()) {
    request.headers.emplace_back("x-revaer-api-key", api_key_);
  }
  return http.send(request);
}

nlohmann::json loopback_changeset() {
  return {{"engine_profile",
           {{"listen_interfaces", {"127.0.0.1"}},
            {"listen_port", 0},
            {"enable_outgoing_utp", false},
            {"enable_incoming_utp", false}}}};
}

nlohmann::json torrent_status(const Cli& cli, const std::string& id) {
  return cli.run_ok({"status", id});
}

nlohmann::json wait_for_torrent(
    const Cli& cli, const std::string& id,
    const std::function<bool(const nlohmann::json&)>& done,
    std::chrono::milliseconds timeout, const std::string& what) {
  nlohmann::json status;
  std::string last_error;
  bool reached = wait_until(
      [&] {
        CliResult result = cli.run({"status", id});
        if (result.exit_code != 0 || result.json.is_null()) {
          last_error = result.describe();
          return false;
        }
        status = result.json;
        return done(status);
      },
      timeout, std::chrono::milliseconds(250));
  if (!reached) {
    throw std::runtime_error("timed out waiting for torrent " + id + " to " +
                             what + "; last status: " + status.dump(2) +
                             "\nlast CLI error: " + last_error);
  }
  return status;
}

bool download_finished(const nlohmann::json& status) {
  const auto& kind = field(status, "/state/kind");
  return kind == "seeding" || kind == "completed";
}

bool torrent_failed(const nlohmann::json& status) {
  return field(status, "/state/kind") == "failed" ||
         field(status, "/fsops/state") == "failed";
}

bool library_ready(const nlohmann::json& status) {
  const auto& path = field(status, "/library_path");
  return path.is_string() && !path.get<std::string>().empty() &&
         field(status, "/fsops/state") == "completed";
}

double downloaded_fraction(const nlohmann::json& status) {
  const auto& done = field(status, "/progress/bytes_downloaded");
  const auto& total = field(status, "/progress/bytes_total");
  if (!done.is_number() || !total.is_number() || total.get<double>() <= 0) {
    return 0.0;
  }
  return done.get<double>() / total.get<double>();
}

}  // namespace revaer::test
