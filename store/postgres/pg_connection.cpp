#include "store/postgres/pg_connection.hpp"

#include <charconv>

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include "store/postgres/database_url.hpp"
#include "store/store.hpp"

namespace revaer::postgres {
namespace {

// Defaults that the URL's own query parameters override: libpq applies
// the keywords in order, and "dbname" (the expanded URL) comes last.
constexpr const char* kKeywords[] = {
    "connect_timeout", "application_name", "keepalives_idle",
    "keepalives_interval", "keepalives_count", "dbname", nullptr};
constexpr const char* kDefaultValues[] = {"5", "revaerd", "10", "5", "3"};

std::string result_error(pg_result* result, pg_conn* conn) {
  const char* message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message == nullptr || *message == '\0') {
    message = PQerrorMessage(conn);
  }
  return one_line(message != nullptr ? message : "unknown error");
}

// Server notices ("relation already exists, skipping") are routine; libpq
// would print them to stderr.
void log_notice(void*, const char* message) {
  spdlog::debug("postgres: {}", one_line(message));
}

}  // namespace

std::string one_line(std::string_view message) {
  std::string line;
  bool line_start = false;
  for (const char c : message) {
    if (c == '\n') {
      line += "; ";
      line_start = true;
    } else if (!(line_start && (c == ' ' || c == '\t'))) {
      line.push_back(c);
      line_start = false;
    }
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == ';')) {
    line.pop_back();
  }
  return line;
}

PgParam PgParam::text(std::string_view value) {
  return PgParam{std::string(value), false};
}

PgParam PgParam::integer(std::int64_t value) {
  return PgParam{std::to_string(value), false};
}

PgParam PgParam::boolean(bool value) {
  return PgParam{value ? "true" : "false", false};
}

PgParam PgParam::bytes(std::string_view value) {
  return PgParam{std::string(value), true};
}

PgParam PgParam::null() { return PgParam{std::nullopt, false}; }

PgParam PgParam::optional_text(const std::optional<std::string>& value) {
  return value ? text(*value) : null();
}

PgParam PgParam::optional_integer(std::optional<std::int64_t> value) {
  return value ? integer(*value) : null();
}

void PgResult::Clear::operator()(pg_result* result) const { PQclear(result); }

PgResult::PgResult(pg_result* result) : result_(result) {}

int PgResult::rows() const { return PQntuples(result_.get()); }

bool PgResult::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(
                         PQgetlength(result_.get(), row, column)));
}

std::int64_t PgResult::integer(int row, int column) const {
  const std::string value = text(row, column);
  std::int64_t number = 0;
  const auto [end, error] =
      std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw StoreError("postgres: expected an integer, got '" + value + "'");
  }
  return number;
}

bool PgResult::boolean(int row, int column) const {
  return text(row, column) == "t";
}

std::string PgResult::bytes(int row, int column) const {
  std::size_t size = 0;
  const auto* raw = reinterpret_cast<const unsigned char*>(
      PQgetvalue(result_.get(), row, column));
  unsigned char* decoded = PQunescapeBytea(raw, &size);
  if (decoded == nullptr) {
    throw StoreError("postgres: could not decode a bytea value");
  }
  std::string value(reinterpret_cast<const char*>(decoded), size);
  PQfreemem(decoded);
  return value;
}

std::optional<std::string> PgResult::optional_text(int row, int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return text(row, column);
}

std::optional<std::int64_t> PgResult::optional_integer(int row,
                                                       int column) const {
  if (is_null(row, column)) {
    return std::nullopt;
  }
  return integer(row, column);
}

PgConnection::PgConnection(std::string url)
    : url_(std::move(url)), masked_url_(mask_database_url(url_)) {
  connect();
}

PgConnection::~PgConnection() { PQfinish(conn_); }

void PgConnection::connect() {
  const char* values[std::size(kKeywords)] = {};
  for (std::size_t i = 0; i < std::size(kDefaultValues); ++i) {
    values[i] = kDefaultValues[i];
  }
  values[std::size(kDefaultValues)] = url_.c_str();

  PQfinish(conn_);
  conn_ = PQconnectdbParams(kKeywords, values, 1);
  if (conn_ == nullptr) {
    fail("connect to", "out of memory");
  }
  PQsetNoticeProcessor(conn_, log_notice, nullptr);
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string reason = one_line(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    fail("connect to", reason);
  }
}

void PgConnection::reconnect() { connect(); }

bool PgConnection::connected() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

void PgConnection::fail(std::string_view what, std::string_view reason) const {
  throw StoreError("postgres: could not " + std::string(what) + " '" +
                   masked_url_ + "': " + std::string(reason));
}

PgResult PgConnection::exec(std::string_view sql,
                            const std::vector<PgParam>& params) {
  if (!connected()) {
    fail("use", "the connection is closed");
  }
  const std::string statement(sql);
  pg_result* raw = nullptr;
  if (params.empty()) {
    raw = PQexec(conn_, statement.c_str());
  } else {
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const PgParam& param : params) {
      values.push_back(param.value ? param.value->data() : nullptr);
      lengths.push_back(param.value ? static_cast<int>(param.value->size())
                                    : 0);
      formats.push_back(param.binary ? 1 : 0);
    }
    raw = PQexecParams(conn_, statement.c_str(),
                       static_cast<int>(params.size()), nullptr, values.data(),
                       lengths.data(), formats.data(), 0);
  }

  PgResult result(raw);
  const auto status = raw != nullptr ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    fail("run a statement on", result_error(raw, conn_));
  }
  return result;
}

int PgConnection::socket() const {
  return conn_ != nullptr ? PQsocket(conn_) : -1;
}

bool PgConnection::consume_input() {
  return PQconsumeInput(conn_) == 1 && connected();
}

std::optional<std::string> PgConnection::next_notification() {
  PGnotify* notification = conn_ != nullptr ? PQnotifies(conn_) : nullptr;
  if (notification == nullptr) {
    return std::nullopt;
  }
  std::string channel = notification->relname;
  PQfreemem(notification);
  return channel;
}

}  // namespace revaer::postgres
