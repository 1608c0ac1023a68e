#include "api/qbit/qbit_label_names.hpp"

#include <algorithm>
#include <cstdint>

#include "api/qbit/qbit_params.hpp"

namespace revaer {
namespace {

bool is_control_character(char c) {
  return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}

bool is_ascii_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The number of bytes of the UTF-8 sequence that starts with `lead`, or 0
// for a byte that cannot start one.
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

// Checks the continuation bytes of the sequence at `text[0]`, which has
// `length` bytes, and the code point they form.
bool is_valid_sequence(std::string_view text, std::size_t length) {
  const auto lead = static_cast<unsigned char>(text[0]);
  std::uint32_t code_point = lead & (0xffu >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[i]);
    if ((next & 0xc0) != 0x80) return false;
    code_point = (code_point << 6) | (next & 0x3fu);
  }
  const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  const bool overlong = code_point < smallest[length];
  const bool surrogate = code_point >= 0xd800 && code_point <= 0xdfff;
  return !overlong && !surrogate && code_point <= 0x10ffff;
}

// The checks that category and tag names share.
std::optional<std::string> label_error(std::string_view name) {
  if (name.empty()) return "must not be empty";
  if (name.size() > kQbitMaxLabelBytes) {
    return "must be at most " + std::to_string(kQbitMaxLabelBytes) + " bytes";
  }
  if (!is_valid_utf8(name)) return "must be valid UTF-8";
  if (std::any_of(name.begin(), name.end(), is_control_character)) {
    return "must not contain control characters";
  }
  return std::nullopt;
}

bool has_dot_component(std::string_view name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view component = name.substr(start, end - start);
    if (component == "." || component == "..") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t length = sequence_length(static_cast<unsigned char>(text[i]));
    if (length == 0 || i + length > text.size()) return false;
    if (length > 1 && !is_valid_sequence(text.substr(i, length), length)) return false;
    i += length;
  }
  return true;
}

std::string printable_label(std::string_view text) {
  std::string result(text.substr(0, 100));
  std::replace_if(result.begin(), result.end(), is_control_character, '?');
  return result;
}

std::optional<std::string> qbit_category_name_error(std::string_view name) {
  if (auto error = label_error(name)) return error;
  if (name.find('\\') != std::string_view::npos) return "must not contain '\\'";
  if (name.front() == '/' || name.back() == '/') return "must not start or end with '/'";
  if (name.find("//") != std::string_view::npos) return "must not contain '//'";
  if (has_dot_component(name)) return "must not have a '.' or '..' component";
  return std::nullopt;
}

std::string trim_ascii_whitespace(std::string_view text) {
  while (!text.empty() && is_ascii_whitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ascii_whitespace(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::optional<std::string> qbit_tag_error(std::string_view tag) {
  if (auto error = label_error(tag)) return error;
  if (tag.find(',') != std::string_view::npos) return "must not contain ','";
  if (trim_ascii_whitespace(tag).size() != tag.size()) {
    return "must not start or end with whitespace";
  }
  return std::nullopt;
}

Result<std::vector<std::string>> parse_qbit_tags(std::string_view list) {
  std::vector<std::string> tags;
  for (const std::string& item : split_list(list, ',')) {
    std::string tag = trim_ascii_whitespace(item);
    if (tag.empty()) continue;
    if (auto error = qbit_tag_error(tag)) {
      return Problem::bad_request("Invalid tag '" + printable_label(tag) + "': " + *error);
    }
    if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
  }
  return tags;
}

}  // namespace revaer
