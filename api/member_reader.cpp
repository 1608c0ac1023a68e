#include "api/member_reader.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/path_glob.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr int kMaxTrackerTier = 1000;

bool has_space_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

std::string join(const std::vector<std::string_view>& words) {
  std::string result;
  for (std::string_view word : words) {
    result += result.empty() ? "" : ", ";
    result += word;
  }
  return result;
}

}  // namespace

MemberReader::MemberReader(const json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

bool MemberReader::has(std::string_view name) const {
  return find(name) != nullptr;
}

bool MemberReader::is_null(std::string_view name) const {
  auto it = object_.find(std::string(name));
  return it != object_.end() && it->is_null();
}

std::optional<std::string> MemberReader::text(std::string_view name,
                                              std::size_t max_length) {
  const json* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    reject(name, "must be a string");
    return std::nullopt;
  }
  const std::string& text = value->get_ref<const std::string&>();
  if (text.size() > max_length) {
    reject(name, "must be at most " + std::to_string(max_length) + " bytes");
    return std::nullopt;
  }
  return text;
}

std::optional<bool> MemberReader::flag(std::string_view name) {
  const json* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    reject(name, "must be a boolean");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::int64_t> MemberReader::integer(std::string_view name,
                                                  std::int64_t min,
                                                  std::int64_t max) {
  const json* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }

  std::string range = "must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max);
  if (value->is_number_unsigned()) {
    auto number = value->get<std::uint64_t>();
    if (number > static_cast<std::uint64_t>(max) ||
        static_cast<std::int64_t>(number) < min) {
      reject(name, range);
      return std::nullopt;
    }
    return static_cast<std::int64_t>(number);
  }
  if (!value->is_number_integer()) {
    reject(name, range);
    return std::nullopt;
  }
  auto number = value->get<std::int64_t>();
  if (number < min || number > max) {
    reject(name, range);
    return std::nullopt;
  }
  return number;
}

std::optional<double> MemberReader::number(std::string_view name, double min,
                                           double max) {
  const json* value = find(name);
  if (value == nullptr) {
    return std::nullopt;
  }
  double number = value->is_number() ? value->get<double>() : NAN;
  if (!std::isfinite(number) || number < min || number > max) {
    reject(name, "must be a number from " + json(min).dump() + " to " +
                     json(max).dump());
    return std::nullopt;
  }
  return number;
}

std::vector<std::string> MemberReader::text_list(std::string_view name,
                                                 std::size_t max_items) {
  const json* value = find(name);
  if (value == nullptr) {
    return {};
  }
  bool valid =
      value->is_array() && value->size() <= max_items &&
      std::all_of(value->begin(), value->end(), [](const json& item) {
        return item.is_string() &&
               item.get_ref<const std::string&>().size() <= kMaxTextField;
      });
  if (!valid) {
    reject(name, "must be an array of at most " + std::to_string(max_items) +
                     " strings");
    return {};
  }
  return value->get<std::vector<std::string>>();
}

std::vector<std::string> MemberReader::glob_list(std::string_view name) {
  std::vector<std::string> globs = text_list(name, kMaxGlobs);
  bool valid = true;
  for (std::size_t i = 0; i < globs.size(); ++i) {
    if (std::optional<std::string> error = glob_error(globs[i])) {
      reject(std::string(name) + "/" + std::to_string(i),
             "is not a valid glob: " + *error);
      valid = false;
    }
  }
  return valid ? globs : std::vector<std::string>{};
}

std::optional<TrackerEntry> MemberReader::tracker_entry(
    const json& item, const std::string& pointer, int default_tier) {
  static const std::vector<std::string_view> kSchemes = {"http", "https",
                                                         "udp"};
  const std::string url_message =
      "must be an http, https or udp URL of at most " +
      std::to_string(kMaxTextField) + " bytes";
  if (item.is_string()) {
    const std::string& url = item.get_ref<const std::string&>();
    if (url.size() > kMaxTextField || !is_url_with_scheme(url, kSchemes)) {
      reject(pointer, url_message);
      return std::nullopt;
    }
    return TrackerEntry{url, default_tier};
  }
  if (!item.is_object()) {
    reject(pointer, "must be a URL or an object {\"url\", \"tier\"}");
    return std::nullopt;
  }

  MemberReader entry_reader(item, prefix_ + "/" + pointer);
  entry_reader.reject_unknown({"url", "tier"});
  entry_reader.require("url");
  std::optional<std::string> url = entry_reader.text("url");
  if (url && !is_url_with_scheme(*url, kSchemes)) {
    entry_reader.reject("url", url_message);
  }
  std::optional<std::int64_t> tier =
      entry_reader.integer("tier", 0, kMaxTrackerTier);
  if (!entry_reader.ok()) {
    params_.insert(params_.end(), entry_reader.params().begin(),
                   entry_reader.params().end());
    return std::nullopt;
  }
  return TrackerEntry{*url, static_cast<int>(tier.value_or(default_tier))};
}

std::vector<TrackerEntry> MemberReader::tracker_list(std::string_view name,
                                                     int default_tier) {
  const json* value = find(name);
  if (value == nullptr) {
    return {};
  }
  if (!value->is_array() || value->size() > kMaxTrackers) {
    reject(name, "must be an array of at most " +
                     std::to_string(kMaxTrackers) + " trackers");
    return {};
  }

  std::vector<TrackerEntry> trackers;
  for (std::size_t i = 0; i < value->size(); ++i) {
    std::string pointer = std::string(name) + "/" + std::to_string(i);
    if (auto entry = tracker_entry((*value)[i], pointer, default_tier)) {
      trackers.push_back(std::move(*entry));
    }
  }
  return trackers;
}

std::vector<std::string> MemberReader::url_list(
    std::string_view name, const std::vector<std::string_view>& schemes) {
  std::vector<std::string> urls = text_list(name, kMaxUrls);
  for (std::size_t i = 0; i < urls.size(); ++i) {
    if (!is_url_with_scheme(urls[i], schemes)) {
      reject(std::string(name) + "/" + std::to_string(i),
             "must be a URL with the scheme " + join(schemes));
    }
  }
  return urls;
}

void MemberReader::reject_unknown(const std::vector<std::string_view>& known) {
  for (const auto& [name, value] : object_.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      reject(name, "is not a supported member");
    }
  }
}

void MemberReader::reject(std::string_view name, std::string message) {
  params_.push_back({prefix_ + "/" + std::string(name), std::move(message)});
}

void MemberReader::require(std::string_view name) {
  if (find(name) == nullptr) {
    reject(name, "is required");
  }
}

const json* MemberReader::find(std::string_view name) const {
  auto it = object_.find(std::string(name));
  return it == object_.end() || it->is_null() ? nullptr : &*it;
}

bool is_url_with_scheme(std::string_view url,
                        const std::vector<std::string_view>& schemes) {
  std::size_t separator = url.find("://");
  if (separator == std::string_view::npos ||
      separator + 3 == url.size() || has_space_or_control(url)) {
    return false;
  }
  std::string scheme;
  for (char c : url.substr(0, separator)) {
    scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return std::find(schemes.begin(), schemes.end(), scheme) != schemes.end();
}

Problem body_not_an_object() {
  return Problem::unprocessable("The request body must be a JSON object.",
                                {{"", "must be an object"}});
}

}  // namespace revaer
