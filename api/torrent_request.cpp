#include "api/torrent_request.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <vector>

#include "core/base64.hpp"
#include "core/crypto.hpp"

namespace revaer {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 9> kAddMembers = {
    "magnet",   "metainfo",     "id",   "name",     "download_dir",
    "sequential", "start_paused", "tags", "category",
};

// Collects invalid_params while the members of one body are read.
class MemberReader {
 public:
  explicit MemberReader(const json& body) : body_(body) {}

  std::optional<std::string> text(const std::string& name,
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

  bool flag(const std::string& name) {
    const json* value = find(name);
    if (value == nullptr) {
      return false;
    }
    if (!value->is_boolean()) {
      reject(name, "must be a boolean");
      return false;
    }
    return value->get<bool>();
  }

  std::vector<std::string> text_list(const std::string& name,
                                     std::size_t max_items) {
    const json* value = find(name);
    if (value == nullptr) {
      return {};
    }
    bool valid = value->is_array() && value->size() <= max_items &&
                 std::all_of(value->begin(), value->end(), [](const json& item) {
                   return item.is_string() &&
                          item.get_ref<const std::string&>().size() <=
                              kMaxTextField;
                 });
    if (!valid) {
      reject(name, "must be an array of at most " + std::to_string(max_items) +
                       " strings");
      return {};
    }
    return value->get<std::vector<std::string>>();
  }

  void reject_unknown(const auto& known) {
    for (const auto& [name, value] : body_.items()) {
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        reject(name, "is not a supported member");
      }
    }
  }

  void reject(const std::string& name, std::string message) {
    params_.push_back({"/" + name, std::move(message)});
  }

  std::vector<InvalidParam>& params() { return params_; }

 private:
  const json* find(const std::string& name) const {
    auto it = body_.find(name);
    return it == body_.end() || it->is_null() ? nullptr : &*it;
  }

  const json& body_;
  std::vector<InvalidParam> params_;
};

Problem not_an_object() {
  return Problem::unprocessable("The request body must be a JSON object.",
                                {{"", "must be an object"}});
}

void check_source(MemberReader& reader, const AddTorrentRequest& request,
                  bool has_magnet, bool has_metainfo) {
  if (has_magnet == has_metainfo) {
    std::string message = has_magnet ? "give either magnet or metainfo"
                                     : "give magnet or metainfo";
    reader.reject("magnet", message);
    reader.reject("metainfo", message);
  }
  if (request.id && !is_uuid(*request.id)) {
    reader.reject("id", "must be a UUID");
  }
}

}  // namespace

Result<AddTorrentRequest> parse_add_torrent_request(
    const json& body, const std::string& request_id) {
  if (!body.is_object()) {
    return not_an_object();
  }

  MemberReader reader(body);
  reader.reject_unknown(kAddMembers);

  AddTorrentRequest request;
  request.request_id = request_id;
  request.magnet = reader.text("magnet", kMaxMagnetLength);
  std::optional<std::string> metainfo =
      reader.text("metainfo", std::string::npos);
  request.id = reader.text("id", kMaxTextField);
  request.name = reader.text("name", kMaxTextField);
  request.download_dir = reader.text("download_dir", kMaxTextField);
  request.category = reader.text("category", kMaxTextField);
  request.sequential = reader.flag("sequential");
  request.start_paused = reader.flag("start_paused");
  request.tags = reader.text_list("tags", kMaxTags);

  bool has_magnet = body.contains("magnet") && !body["magnet"].is_null();
  bool has_metainfo = body.contains("metainfo") && !body["metainfo"].is_null();
  check_source(reader, request, has_magnet, has_metainfo);
  if (!reader.params().empty()) {
    return Problem::unprocessable("The torrent request is invalid.",
                                  std::move(reader.params()));
  }

  if (metainfo) {
    request.metainfo = base64_decode(*metainfo);
    if (!request.metainfo || request.metainfo->empty()) {
      Problem problem = Problem::bad_request("metainfo is not valid base64.");
      problem.invalid_params.push_back(
          {"/metainfo", "must be the .torrent file encoded as base64"});
      return problem;
    }
  }
  return request;
}

Result<TorrentAction> parse_torrent_action(const json& body) {
  if (!body.is_object()) {
    return not_an_object();
  }

  constexpr std::array<std::string_view, 2> kActionMembers = {"type",
                                                              "delete_data"};
  MemberReader reader(body);
  reader.reject_unknown(kActionMembers);

  TorrentAction action;
  std::optional<std::string> type = reader.text("type", kMaxTextField);
  action.delete_data = reader.flag("delete_data");
  if (!type) {
    if (!body.contains("type") || body["type"].is_null()) {
      reader.reject("type", "is required");
    }
  } else if (*type != "pause" && *type != "resume" && *type != "remove") {
    reader.reject("type", "must be one of pause, resume, remove");
  } else {
    action.type = *type;
  }

  if (!reader.params().empty()) {
    return Problem::unprocessable("The torrent action is invalid.",
                                  std::move(reader.params()));
  }
  return action;
}

}  // namespace revaer
