// Categories and tags of the qBittorrent façade: the registries
// (createCategory, editCategory, removeCategories, categories, createTags,
// deleteTags, tags) and the labels of torrents (setCategory, addTags,
// removeTags).

#include <algorithm>

#include <spdlog/spdlog.h>

#include "api/move_target.hpp"
#include "api/qbit/qbit_action_support.hpp"
#include "api/qbit/qbit_categories.hpp"
#include "api/qbit/qbit_label_names.hpp"
#include "api/qbit/qbit_reply.hpp"
#include "api/qbit/qbit_routes.hpp"
#include "api/qbit/qbit_save_path.hpp"
#include "api/qbit/qbit_write_routes.hpp"

namespace revaer {
namespace {

using nlohmann::json;

// The savePath of createCategory and editCategory, resolved; empty means
// the default folder. Problems: 400 a path outside the allowed roots.
Result<std::string> category_save_path(const RequestContext& context, const QbitParams& params) {
  const std::string path =
      resolve_qbit_save_path(params.get("savePath").value_or(""), *context.snapshot);
  if (path.empty()) return path;
  if (auto error = move_target_error(path, *context.snapshot)) {
    return Problem::bad_request("Save path '" + printable_label(path) + "' " + *error);
  }
  return path;
}

Result<Reply> write_category(RequestContext& context, bool creating) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> name = required_param(params.value(), "category");
  if (!name) return name.problem();
  if (!creating) {
    if (Result<std::string> present = required_param(params.value(), "savePath"); !present) {
      return present.problem();
    }
  }
  Result<std::string> save_path = category_save_path(context, params.value());
  if (!save_path) return save_path.problem();
  Status written = creating ? create_qbit_category(context.api.store, name.value(), save_path.value())
                            : edit_qbit_category(context.api.store, name.value(), save_path.value());
  if (!written) return written.problem();
  return qbit_ok();
}

// Removes the categories from the registry and from every torrent that
// carries one of them, as qBittorrent 5.1 does.
Result<Reply> remove_categories(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> list = required_param(params.value(), "categories");
  if (!list) return list.problem();
  const std::vector<std::string> names = split_list(list.value(), '\n');
  Result<std::vector<std::string>> removed = remove_qbit_categories(context.api.store, names);
  if (!removed) return removed.problem();
  std::vector<TorrentStatus> labelled;
  for (TorrentStatus& torrent : context.api.engine.list()) {
    if (torrent.category &&
        std::find(names.begin(), names.end(), *torrent.category) != names.end()) {
      labelled.push_back(std::move(torrent));
    }
  }
  return run_on_torrents(context, labelled, "clear the category of",
                         [&](const TorrentStatus& torrent) {
                           return context.api.engine.set_category(torrent.id, std::nullopt);
                         });
}

Result<Reply> list_categories(RequestContext& context) {
  json body = json::object();
  for (const auto& [name, save_path] :
       qbit_categories_in_use(context.api.store, context.api.engine.list())) {
    body[name] = {{"name", name}, {"savePath", save_path}};
  }
  return qbit_json(std::move(body));
}

// An empty category clears it; any other must be registered, because
// qBittorrent 5.1 returns 409 for a category it does not know.
Result<Reply> set_category(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::string> category = required_param(params.value(), "category");
  if (!category) return category.problem();
  std::optional<std::string> value;
  if (!category.value().empty()) {
    if (load_qbit_categories(context.api.store).count(category.value()) == 0) {
      return qbit_conflict("Incorrect category name");
    }
    value = category.value();
  }
  return for_each_torrent(context, params.value(), "set the category of",
                          [&](const TorrentStatus& torrent) {
                            return context.api.engine.set_category(torrent.id, value);
                          });
}

Result<std::vector<std::string>> tags_param(const QbitParams& params, bool required) {
  std::optional<std::string> list = params.get("tags");
  if (!list && required) return Problem::bad_request("Missing required parameter 'tags'");
  return parse_qbit_tags(list.value_or(""));
}

// addTags registers the tags and adds them; removeTags without tags
// removes every tag of the named torrents.
Result<Reply> edit_torrent_tags(RequestContext& context, bool adding) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::vector<std::string>> tags = tags_param(params.value(), adding);
  if (!tags) return tags.problem();
  if (adding) {
    if (Status registered = add_qbit_tags(context.api.store, tags.value()); !registered) {
      return registered.problem();
    }
  }
  return for_each_torrent(context, params.value(), adding ? "add tags to" : "remove tags from",
                          [&](const TorrentStatus& torrent) {
                            if (adding) return context.api.engine.edit_tags(torrent.id, tags.value(), {});
                            const std::vector<std::string>& remove =
                                tags.value().empty() ? torrent.tags : tags.value();
                            return context.api.engine.edit_tags(torrent.id, {}, remove);
                          });
}

Result<Reply> create_tags(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::vector<std::string>> tags = tags_param(params.value(), true);
  if (!tags) return tags.problem();
  Status created = add_qbit_tags(context.api.store, tags.value());
  if (!created) return created.problem();
  return qbit_ok();
}

// Deletes the tags from the registry and from every torrent.
Result<Reply> delete_tags(RequestContext& context) {
  Result<QbitParams> params = QbitParams::parse(context);
  if (!params) return params.problem();
  Result<std::vector<std::string>> tags = tags_param(params.value(), true);
  if (!tags) return tags.problem();
  Status removed = remove_qbit_tags(context.api.store, tags.value());
  if (!removed) return removed.problem();
  std::vector<TorrentStatus> labelled;
  for (TorrentStatus& torrent : context.api.engine.list()) {
    const bool carries = std::any_of(tags.value().begin(), tags.value().end(), [&](const auto& tag) {
      return std::find(torrent.tags.begin(), torrent.tags.end(), tag) != torrent.tags.end();
    });
    if (carries) labelled.push_back(std::move(torrent));
  }
  return run_on_torrents(context, labelled, "delete tags of", [&](const TorrentStatus& torrent) {
    return context.api.engine.edit_tags(torrent.id, {}, tags.value());
  });
}

Result<Reply> list_tags(RequestContext& context) {
  return qbit_json(qbit_tags_in_use(context.api.store, context.api.engine.list()));
}

Route registry_post(const std::string& name, Handler handler) {
  return Route{http::verb::post, "/api/v2/torrents/" + name, Access::qbit, Permission::admin,
               false, false, std::move(handler)};
}

}  // namespace

std::vector<Route> qbit_label_routes() {
  std::vector<Route> routes = {
      registry_post("createCategory",
                    [](RequestContext& context) { return write_category(context, true); }),
      registry_post("editCategory",
                    [](RequestContext& context) { return write_category(context, false); }),
      registry_post("createTags", create_tags),
      torrents_post("removeCategories", remove_categories),
      torrents_post("deleteTags", delete_tags),
      torrents_post("setCategory", set_category),
      torrents_post("addTags", [](RequestContext& context) { return edit_torrent_tags(context, true); }),
      torrents_post("removeTags",
                    [](RequestContext& context) { return edit_torrent_tags(context, false); }),
  };
  append_routes(routes, qbit_read_route("/api/v2/torrents/categories", Permission::read, false,
                                        list_categories));
  append_routes(routes,
                qbit_read_route("/api/v2/torrents/tags", Permission::read, false, list_tags));
  return routes;
}

}  // namespace revaer
