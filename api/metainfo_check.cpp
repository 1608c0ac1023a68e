#include "api/metainfo_check.hpp"

#include <cctype>
#include <utility>
#include <vector>

namespace revaer {
namespace {

// One decoded bencode value. Strings point into the checked bytes.
struct Node {
  enum class Kind { integer, string, list, dict };
  Kind kind = Kind::integer;
  std::string_view text;
  std::vector<Node> items;
  std::vector<std::pair<std::string_view, Node>> members;

  const Node* member(std::string_view key) const {
    for (const auto& [name, value] : members) {
      if (name == key) {
        return &value;
      }
    }
    return nullptr;
  }
};

// A recursive-descent bencode decoder bounded by kMaxBencodeDepth. Sets
// `error` and stops at the first fault.
class Decoder {
 public:
  explicit Decoder(std::string_view bytes) : bytes_(bytes) {}

  std::optional<Node> decode_all() {
    std::optional<Node> root = decode(0);
    if (root && at_ != bytes_.size()) {
      fail("bytes follow the top-level value");
      return std::nullopt;
    }
    return root;
  }

  const std::string& error() const { return error_; }

 private:
  std::optional<Node> decode(int depth) {
    if (depth > kMaxBencodeDepth) {
      fail("bencode nests deeper than " + std::to_string(kMaxBencodeDepth) +
           " levels");
      return std::nullopt;
    }
    if (at_ >= bytes_.size()) {
      fail("the bencode ends early");
      return std::nullopt;
    }

    char lead = bytes_[at_];
    if (lead == 'i') {
      return decode_integer();
    }
    if (lead == 'l') {
      return decode_list(depth);
    }
    if (lead == 'd') {
      return decode_dict(depth);
    }
    if (std::isdigit(static_cast<unsigned char>(lead))) {
      Node node{Node::Kind::string, {}, {}, {}};
      std::optional<std::string_view> text = decode_string();
      if (!text) {
        return std::nullopt;
      }
      node.text = *text;
      return node;
    }
    fail("unexpected byte at offset " + std::to_string(at_));
    return std::nullopt;
  }

  std::optional<Node> decode_integer() {
    std::size_t end = bytes_.find('e', at_);
    std::string_view digits = end == std::string_view::npos
                                  ? std::string_view()
                                  : bytes_.substr(at_ + 1, end - at_ - 1);
    if (!digits.empty() && digits.front() == '-') {
      digits.remove_prefix(1);
    }
    if (digits.empty() || digits.size() > 19 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      fail("invalid integer at offset " + std::to_string(at_));
      return std::nullopt;
    }
    at_ = end + 1;
    return Node{Node::Kind::integer, {}, {}, {}};
  }

  std::optional<std::string_view> decode_string() {
    std::size_t colon = bytes_.find(':', at_);
    std::string_view digits = colon == std::string_view::npos
                                  ? std::string_view()
                                  : bytes_.substr(at_, colon - at_);
    if (digits.empty() || digits.size() > 9 ||
        digits.find_first_not_of("0123456789") != std::string_view::npos) {
      fail("invalid string length at offset " + std::to_string(at_));
      return std::nullopt;
    }
    std::size_t length = std::stoul(std::string(digits));
    if (length > bytes_.size() - colon - 1) {
      fail("a string runs past the end at offset " + std::to_string(at_));
      return std::nullopt;
    }
    at_ = colon + 1 + length;
    return bytes_.substr(colon + 1, length);
  }

  std::optional<Node> decode_list(int depth) {
    Node node{Node::Kind::list, {}, {}, {}};
    ++at_;
    while (at_ < bytes_.size() && bytes_[at_] != 'e') {
      std::optional<Node> item = decode(depth + 1);
      if (!item) {
        return std::nullopt;
      }
      node.items.push_back(std::move(*item));
    }
    return close(std::move(node));
  }

  std::optional<Node> decode_dict(int depth) {
    Node node{Node::Kind::dict, {}, {}, {}};
    ++at_;
    while (at_ < bytes_.size() && bytes_[at_] != 'e') {
      if (!std::isdigit(static_cast<unsigned char>(bytes_[at_]))) {
        fail("a dictionary key is not a string at offset " +
             std::to_string(at_));
        return std::nullopt;
      }
      std::optional<std::string_view> key = decode_string();
      if (!key) {
        return std::nullopt;
      }
      std::optional<Node> value = decode(depth + 1);
      if (!value) {
        return std::nullopt;
      }
      node.members.emplace_back(*key, std::move(*value));
    }
    return close(std::move(node));
  }

  std::optional<Node> close(Node node) {
    if (at_ >= bytes_.size()) {
      fail("the bencode ends early");
      return std::nullopt;
    }
    ++at_;
    return node;
  }

  void fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
    }
  }

  std::string_view bytes_;
  std::size_t at_ = 0;
  std::string error_;
};

// Returns why `component` cannot be one element of a relative path, or "".
std::string component_error(std::string_view component) {
  if (component.empty()) {
    return "is empty";
  }
  if (component == "." || component == "..") {
    return "is '" + std::string(component) + "'";
  }
  if (component.find('/') != std::string_view::npos) {
    return "contains '/'";
  }
  if (component.find('\0') != std::string_view::npos) {
    return "contains a NUL byte";
  }
  return "";
}

std::string check_path_list(const Node& path, const std::string& where) {
  if (path.kind != Node::Kind::list || path.items.empty()) {
    return where + " is not a non-empty list";
  }
  for (const Node& component : path.items) {
    if (component.kind != Node::Kind::string) {
      return where + " has a component that is not a string";
    }
    std::string error = component_error(component.text);
    if (!error.empty()) {
      return where + " has a component that " + error;
    }
  }
  return "";
}

std::string check_files(const Node& files) {
  if (files.kind != Node::Kind::list) {
    return "info.files is not a list";
  }
  for (std::size_t i = 0; i < files.items.size(); ++i) {
    const Node& file = files.items[i];
    std::string where = "info.files[" + std::to_string(i) + "]";
    if (file.kind != Node::Kind::dict) {
      return where + " is not a dictionary";
    }
    for (const char* key : {"path", "path.utf-8"}) {
      const Node* path = file.member(key);
      if (path == nullptr && std::string_view(key) == "path") {
        return where + ".path is missing";
      }
      std::string error =
          path ? check_path_list(*path, where + "." + key) : "";
      if (!error.empty()) {
        return error;
      }
    }
  }
  return "";
}

// Checks the keys of a v2 "file tree". The key "" marks a file's own entry.
std::string check_file_tree(const Node& tree, const std::string& where) {
  if (tree.kind != Node::Kind::dict) {
    return where + " is not a dictionary";
  }
  for (const auto& [name, child] : tree.members) {
    if (name.empty()) {
      continue;
    }
    std::string error = component_error(name);
    if (!error.empty()) {
      return where + " has an entry whose name " + error;
    }
    error = check_file_tree(child, where + "/" + std::string(name));
    if (!error.empty()) {
      return error;
    }
  }
  return "";
}

std::string check_info(const Node& info) {
  for (const char* key : {"name", "name.utf-8"}) {
    const Node* name = info.member(key);
    if (name == nullptr) {
      continue;
    }
    if (name->kind != Node::Kind::string) {
      return std::string("info.") + key + " is not a string";
    }
    std::string error = component_error(name->text);
    if (!error.empty()) {
      return std::string("info.") + key + " " + error;
    }
  }
  if (const Node* files = info.member("files")) {
    std::string error = check_files(*files);
    if (!error.empty()) {
      return error;
    }
  }
  if (const Node* tree = info.member("file tree")) {
    return check_file_tree(*tree, "info.file tree");
  }
  return "";
}

std::string find_fault(std::string_view bytes) {
  Decoder decoder(bytes);
  std::optional<Node> root = decoder.decode_all();
  if (!root) {
    return decoder.error();
  }
  if (root->kind != Node::Kind::dict) {
    return "the top-level value is not a dictionary";
  }
  const Node* info = root->member("info");
  if (info == nullptr || info->kind != Node::Kind::dict) {
    return "the info dictionary is missing";
  }
  return check_info(*info);
}

}  // namespace

std::optional<Problem> check_metainfo(std::string_view bytes,
                                      const std::string& pointer) {
  std::string fault = find_fault(bytes);
  if (fault.empty()) {
    return std::nullopt;
  }
  return Problem::unprocessable("The .torrent file is invalid: " + fault + ".",
                                {{pointer, "not a valid .torrent file: " +
                                               fault}});
}

}  // namespace revaer
