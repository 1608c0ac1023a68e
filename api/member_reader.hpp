#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/problem.hpp"
#include "core/torrent.hpp"

namespace revaer {

constexpr std::size_t kMaxTextField = 1024;
constexpr std::size_t kMaxGlobs = 64;
constexpr std::size_t kMaxTrackers = 64;
constexpr std::size_t kMaxUrls = 64;
// Rates above 10^12 B/s (8 Tbit/s) are typing mistakes, not limits.
constexpr std::int64_t kMaxRateBps = 1'000'000'000'000;

// Reads the members of one JSON object body and collects an invalid_params
// entry for each member that is missing, unknown or of the wrong type.
// `prefix` is the JSON Pointer of the object inside the request body ("" for
// the body itself). A null member counts as absent.
class MemberReader {
 public:
  explicit MemberReader(const nlohmann::json& object, std::string prefix = "");

  bool has(std::string_view name) const;
  bool is_null(std::string_view name) const;

  std::optional<std::string> text(std::string_view name,
                                  std::size_t max_length = kMaxTextField);
  std::optional<bool> flag(std::string_view name);
  // Reads an integer in [min, max]. Numbers with a fraction are rejected.
  std::optional<std::int64_t> integer(std::string_view name, std::int64_t min,
                                      std::int64_t max);
  // Reads a finite number in [min, max].
  std::optional<double> number(std::string_view name, double min, double max);
  std::vector<std::string> text_list(std::string_view name,
                                     std::size_t max_items);
  // Reads an array of path globs, each checked with glob_error.
  std::vector<std::string> glob_list(std::string_view name);
  // Reads an array of http(s) or udp tracker URLs, each a string or an
  // object {"url", "tier"?}. A bare string gets `default_tier`.
  std::vector<TrackerEntry> tracker_list(std::string_view name,
                                         int default_tier);
  // Reads an array of URLs whose scheme is one of `schemes`.
  std::vector<std::string> url_list(
      std::string_view name, const std::vector<std::string_view>& schemes);

  // Adds an entry for every member whose name is not in `known`.
  void reject_unknown(const std::vector<std::string_view>& known);
  // Adds an entry for member `name` (a JSON Pointer below the prefix when
  // it contains '/').
  void reject(std::string_view name, std::string message);
  // Adds "is required" for `name` when it is absent or null.
  void require(std::string_view name);

  std::vector<InvalidParam>& params() { return params_; }
  bool ok() const { return params_.empty(); }

 private:
  const nlohmann::json* find(std::string_view name) const;
  std::optional<TrackerEntry> tracker_entry(const nlohmann::json& item,
                                            const std::string& pointer,
                                            int default_tier);

  const nlohmann::json& object_;
  std::string prefix_;
  std::vector<InvalidParam> params_;
};

// Returns true when `url` has one of `schemes` (lower case, without "://"),
// a non-empty rest and no whitespace or control characters.
bool is_url_with_scheme(std::string_view url,
                        const std::vector<std::string_view>& schemes);

// Returns the problem for a body that is not a JSON object.
Problem body_not_an_object();

}  // namespace revaer
