#include "core/path_glob.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace revaer {
namespace {

char fold(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Matches the class starting after '[' at glob[pos] against `c`. Sets `end`
// to the index just past ']'. Returns nullopt for an unclosed class.
std::optional<bool> match_class(std::string_view glob, std::size_t pos, char c,
                                std::size_t& end) {
  bool negated = false;
  if (pos < glob.size() && (glob[pos] == '!' || glob[pos] == '^')) {
    negated = true;
    ++pos;
  }
  bool matched = false;
  bool first = true;
  while (pos < glob.size() && (glob[pos] != ']' || first)) {
    first = false;
    char low = glob[pos];
    if (low == '\\' && pos + 1 < glob.size()) {
      low = glob[++pos];
    }
    char high = low;
    if (pos + 2 < glob.size() && glob[pos + 1] == '-' && glob[pos + 2] != ']') {
      high = glob[pos + 2];
      pos += 2;
    }
    if (fold(c) >= fold(low) && fold(c) <= fold(high)) {
      matched = true;
    }
    ++pos;
  }
  if (pos >= glob.size()) {
    return std::nullopt;
  }
  end = pos + 1;
  return matched != negated;
}

// Backtracking matcher. `*` stops at '/', `**` does not. Each (glob,
// text) position pair that failed once is remembered, so a glob full of
// stars takes polynomial rather than exponential time.
class Matcher {
 public:
  Matcher(std::string_view glob, std::string_view text)
      : glob_(glob), text_(text), failed_((glob.size() + 1) * (text.size() + 1), false) {}

  bool run() { return match_from(0, 0); }

 private:
  bool match_from(std::size_t g, std::size_t t) {
    const std::size_t slot = g * (text_.size() + 1) + t;
    if (failed_[slot]) {
      return false;
    }
    if (match_here(g, t)) {
      return true;
    }
    failed_[slot] = true;
    return false;
  }

  bool match_here(std::size_t g, std::size_t t);

  std::string_view glob_;
  std::string_view text_;
  std::vector<bool> failed_;
};

bool Matcher::match_here(std::size_t g, std::size_t t) {
  const std::string_view glob = glob_;
  const std::string_view text = text_;
  while (g < glob.size()) {
    const char token = glob[g];
    if (token == '*') {
      const bool crosses = g + 1 < glob.size() && glob[g + 1] == '*';
      std::size_t next = g + (crosses ? 2 : 1);
      // "**/" also matches no folder at all.
      if (crosses && next < glob.size() && glob[next] == '/' &&
          match_from(next + 1, t)) {
        return true;
      }
      for (std::size_t k = t; k <= text.size(); ++k) {
        if (match_from(next, k)) {
          return true;
        }
        if (k < text.size() && text[k] == '/' && !crosses) {
          return false;
        }
      }
      return false;
    }
    if (t >= text.size()) {
      return false;
    }
    if (token == '?') {
      if (text[t] == '/') {
        return false;
      }
      ++g;
    } else if (token == '[') {
      std::size_t end = 0;
      std::optional<bool> in_class = match_class(glob, g + 1, text[t], end);
      if (!in_class || !*in_class || text[t] == '/') {
        return false;
      }
      g = end;
    } else {
      char literal = token;
      if (token == '\\' && g + 1 < glob.size()) {
        literal = glob[++g];
      }
      if (fold(literal) != fold(text[t])) {
        return false;
      }
      ++g;
    }
    ++t;
  }
  return t == text.size();
}

}  // namespace

std::optional<std::string> glob_error(std::string_view glob) {
  if (glob.empty()) {
    return "must not be empty";
  }
  if (glob.size() > kMaxGlobLength) {
    return "must be at most " + std::to_string(kMaxGlobLength) + " bytes";
  }
  for (std::size_t i = 0; i < glob.size(); ++i) {
    if (glob[i] == '\\') {
      if (i + 1 == glob.size()) {
        return "ends with an unescaped '\\'";
      }
      ++i;
    } else if (glob[i] == '[') {
      std::size_t end = 0;
      if (!match_class(glob, i + 1, 'a', end)) {
        return "has a '[' without its closing ']'";
      }
      i = end - 1;
    }
  }
  return std::nullopt;
}

bool path_glob_matches(std::string_view glob, std::string_view relative_path) {
  if (glob_error(glob)) {
    return false;
  }
  if (glob.find('/') != std::string_view::npos) {
    return Matcher(glob, relative_path).run();
  }
  std::size_t start = 0;
  while (start <= relative_path.size()) {
    std::size_t end = relative_path.find('/', start);
    if (end == std::string_view::npos) {
      end = relative_path.size();
    }
    std::string_view component = relative_path.substr(start, end - start);
    if (!component.empty() && Matcher(glob, component).run()) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool is_fluff_path(std::string_view relative_path) {
  static constexpr std::array<std::string_view, 5> kFolders = {
      "sample", "samples", "extras", "proof", "screens"};
  std::size_t start = 0;
  std::size_t end = relative_path.find('/');
  while (end != std::string_view::npos) {
    std::string_view folder = relative_path.substr(start, end - start);
    for (std::string_view fluff : kFolders) {
      if (folder.size() == fluff.size() &&
          std::equal(folder.begin(), folder.end(), fluff.begin(),
                     [](char a, char b) { return fold(a) == b; })) {
        return true;
      }
    }
    start = end + 1;
    end = relative_path.find('/', start);
  }
  return false;
}

}  // namespace revaer
