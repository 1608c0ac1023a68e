#include "telemetry/logging.hpp"

#include <chrono>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/clock.hpp"
#include "core/request_scope.hpp"

namespace revaer {
namespace {

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%eZ %l %v";
constexpr std::string_view kRequestPrefix = "request ";
constexpr std::size_t kMaxRequestIdLength = 128;

std::string json_string(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append(spdlog::memory_buf_t& dest, std::string_view text) {
  dest.append(text.data(), text.data() + text.size());
}

}  // namespace

std::string_view log_request_id(std::string_view message) {
  if (message.substr(0, kRequestPrefix.size()) != kRequestPrefix) {
    return {};
  }
  message.remove_prefix(kRequestPrefix.size());
  const std::size_t end = message.find(": ");
  if (end == 0 || end == std::string_view::npos || end > kMaxRequestIdLength ||
      message.substr(0, end).find(' ') != std::string_view::npos) {
    return {};
  }
  return message.substr(0, end);
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const auto since_epoch = msg.time.time_since_epoch();
  const auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count();
  const std::string_view message(msg.payload.data(), msg.payload.size());
  const auto level = spdlog::level::to_string_view(msg.level);

  append(dest, "{\"time\":\"");
  append(dest, format_rfc3339(unix_ms));
  append(dest, "\",\"level\":\"");
  append(dest, std::string_view(level.data(), level.size()));
  append(dest, "\",\"message\":");
  append(dest, json_string(message));
  std::string_view id = current_request_id();
  if (id.empty()) {
    id = log_request_id(message);
  }
  if (!id.empty()) {
    append(dest, ",\"request_id\":");
    append(dest, json_string(id));
  }
  append(dest, "}\n");
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

std::unique_ptr<spdlog::formatter> make_log_formatter(std::string_view format) {
  if (format == "json") {
    return std::make_unique<JsonLogFormatter>();
  }
  return std::make_unique<spdlog::pattern_formatter>(kTextPattern, spdlog::pattern_time_type::utc);
}

void configure_logging(const std::string& level, const std::string& format) {
  auto logger =
      std::make_shared<spdlog::logger>("revaer", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(make_log_formatter(format));
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

void set_log_format(std::string_view format) {
  spdlog::default_logger()->set_formatter(make_log_formatter(format));
}

}  // namespace revaer
