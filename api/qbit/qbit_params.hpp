#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/router.hpp"
#include "core/result.hpp"

namespace revaer {

// One file part of a multipart/form-data body, such as a .torrent upload.
struct QbitFile {
  std::string field;     // the part's name, e.g. "torrents"
  std::string filename;  // from Content-Disposition
  std::string data;
};

// Bounds of the body of one WebAPI call. A text field may be as long as a
// default request body, so a "hashes" list of every torrent fits.
inline constexpr std::size_t kQbitMaxFormParts = 128;
inline constexpr std::size_t kQbitMaxFieldBytes = 1024 * 1024;

// The parameters of one qBittorrent WebAPI call: the query string and the
// body, as application/x-www-form-urlencoded or multipart/form-data.
// qBittorrent clients send the same parameters in either place (Flood
// reads with POST form bodies), so get() looks in the body first, then in
// the query. Bodies of other content types are ignored, as qBittorrent
// 5.1 ignores them.
class QbitParams {
 public:
  // Problems: 400 a malformed percent escape or multipart body, too many
  // parts, or a text field longer than kQbitMaxFieldBytes.
  static Result<QbitParams> parse(const RequestContext& context);
  // As above, for a request and its decoded query string.
  static Result<QbitParams> parse(
      const HttpRequest& request,
      const std::multimap<std::string, std::string, std::less<>>& query);

  // The first value of `name`, or nullopt when the call does not have it.
  std::optional<std::string> get(std::string_view name) const;
  // True when the call has `name`, even with an empty value.
  bool has(std::string_view name) const;
  // "true" or "false" in any case; `fallback` for a missing or other value.
  bool flag(std::string_view name, bool fallback) const;
  // A decimal integer, or nullopt when missing. Problems: 400 a value
  // that is not an integer or out of range.
  Result<std::optional<std::int64_t>> integer(std::string_view name) const;
  // A decimal number, or nullopt when missing. Problems: 400 a value that
  // is not a finite number.
  Result<std::optional<double>> number(std::string_view name) const;

  // The file parts of a multipart body, in body order.
  const std::vector<QbitFile>& files() const { return files_; }

  // Adds a text parameter after the ones already present; for tests and
  // for callers that build a call.
  void add(std::string name, std::string value);

 private:
  std::multimap<std::string, std::string, std::less<>> body_;
  std::multimap<std::string, std::string, std::less<>> query_;
  std::vector<QbitFile> files_;
};

// Splits `text` at `separator`, dropping empty items. qBittorrent lists
// hashes with '|', tags with ',' and URLs with newlines.
std::vector<std::string> split_list(std::string_view text, char separator);

}  // namespace revaer
