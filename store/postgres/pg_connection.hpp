#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace revaer::postgres {

// One query parameter in libpq's text format, or binary for bytea. An
// absent value is SQL NULL.
struct PgParam {
  std::optional<std::string> value;
  bool binary = false;

  static PgParam text(std::string_view value);
  static PgParam integer(std::int64_t value);
  static PgParam boolean(bool value);
  static PgParam bytes(std::string_view value);  // for a bytea column
  static PgParam null();
  static PgParam optional_text(const std::optional<std::string>& value);
  static PgParam optional_integer(std::optional<std::int64_t> value);
};

// The rows of a successful statement, in text format. Column and row
// indexes start at 0.
class PgResult {
 public:
  explicit PgResult(pg_result* result);

  int rows() const;
  bool is_null(int row, int column) const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;
  // Decodes a bytea column from its hex text form.
  std::string bytes(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;

 private:
  struct Clear {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Clear> result_;
};

// One libpq connection. Every failure throws StoreError with libpq's
// message on one line, naming the URL with its password masked.
//
// Not thread-safe: the owner serialises calls.
class PgConnection {
 public:
  // Connects to `url` (postgres://...). Throws StoreError when the server
  // cannot be reached or rejects the login.
  explicit PgConnection(std::string url);
  ~PgConnection();

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement, or several separated by ';' when `params` is
  // empty.
  PgResult exec(std::string_view sql, const std::vector<PgParam>& params = {});

  // True while libpq considers the connection usable.
  bool connected() const;
  // Drops the connection and opens a new one. Throws StoreError when the
  // new connection fails; the object stays valid, and connected() false.
  void reconnect();

  // The socket for poll(), and the libpq calls a listener needs.
  int socket() const;
  // Reads what the server sent; returns false when the connection broke.
  bool consume_input();
  // Returns the channel of the next queued notification, if any.
  std::optional<std::string> next_notification();

  const std::string& masked_url() const { return masked_url_; }

 private:
  [[noreturn]] void fail(std::string_view what, std::string_view reason) const;
  void connect();

  std::string url_;
  std::string masked_url_;
  pg_conn* conn_ = nullptr;
};

// Flattens a libpq message to one line: each newline and the indentation
// after it become "; ", and the trailing one is dropped.
std::string one_line(std::string_view message);

}  // namespace revaer::postgres
