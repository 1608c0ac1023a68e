#include "api/qbit/qbit_categories.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "api/qbit/qbit_label_names.hpp"

namespace revaer {
namespace {

using nlohmann::json;
using CategoryMap = std::map<std::string, std::string>;

// Reads the stored document. Entries of another shape are skipped, so a
// damaged entry hides one category and not the registry.
CategoryMap categories_from_document(const json& document) {
  CategoryMap categories;
  if (!document.is_object()) return categories;
  for (const auto& [name, entry] : document.items()) {
    if (!entry.is_object()) continue;
    const auto save_path = entry.find("save_path");
    if (save_path == entry.end() || !save_path->is_string()) continue;
    categories.emplace(name, save_path->get<std::string>());
  }
  return categories;
}

json categories_to_document(const CategoryMap& categories) {
  json document = json::object();
  for (const auto& [name, save_path] : categories) {
    document[name] = {{"save_path", save_path}};
  }
  return document;
}

// Reads the document `name` inside one transaction, runs `change` on it
// and writes it back when `change` succeeded and changed it.
Status change_document(Store& store, std::string_view name, const char* what,
                       const std::function<Status(json&)>& change) {
  Status outcome = Done{};
  try {
    store.transact([&](StoreTransaction& transaction) {
      const json before = transaction.document(name).value_or(json(nullptr));
      json document = before;
      outcome = change(document);
      if (outcome && document != before) transaction.put_document(name, document);
    });
  } catch (const StoreError& error) {
    spdlog::error("could not {}: {}", what, error.what());
    return Problem::unavailable(std::string("could not ") + what + ": " + error.what());
  }
  return outcome;
}

Status change_categories(Store& store, const char* what,
                         const std::function<Status(CategoryMap&)>& change) {
  return change_document(store, kQbitCategoriesDocument, what, [&](json& document) {
    CategoryMap categories = categories_from_document(document);
    Status outcome = change(categories);
    if (outcome) document = categories_to_document(categories);
    return outcome;
  });
}

std::optional<Problem> check_new_name(const std::string& name, const CategoryMap& categories) {
  if (auto error = qbit_category_name_error(name)) {
    return Problem::conflict("Incorrect category name '" + printable_label(name) + "': " +
                             *error);
  }
  if (categories.size() >= kQbitMaxCategories) {
    return Problem::conflict("Unable to create category: at most " +
                             std::to_string(kQbitMaxCategories) + " categories may exist");
  }
  return std::nullopt;
}

std::set<std::string> tags_from_document(const json& document) {
  std::set<std::string> tags;
  if (!document.is_array()) return tags;
  for (const json& tag : document) {
    if (tag.is_string()) tags.insert(tag.get<std::string>());
  }
  return tags;
}

Status change_tags(Store& store, const char* what,
                   const std::function<Status(std::set<std::string>&)>& change) {
  return change_document(store, kQbitTagsDocument, what, [&](json& document) {
    std::set<std::string> tags = tags_from_document(document);
    Status outcome = change(tags);
    if (outcome) document = json(tags);
    return outcome;
  });
}

Problem empty_name() { return Problem::bad_request("Category cannot be empty"); }

}  // namespace

std::map<std::string, std::string> load_qbit_categories(Store& store) {
  CategoryMap categories;
  store.transact([&](StoreTransaction& transaction) {
    categories = categories_from_document(
        transaction.document(kQbitCategoriesDocument).value_or(json(nullptr)));
  });
  return categories;
}

std::map<std::string, std::string> qbit_categories_in_use(
    Store& store, const std::vector<TorrentStatus>& torrents) {
  CategoryMap categories = load_qbit_categories(store);
  for (const TorrentStatus& torrent : torrents) {
    if (torrent.category && !torrent.category->empty()) {
      categories.emplace(*torrent.category, std::string());
    }
  }
  return categories;
}

Status create_qbit_category(Store& store, const std::string& name,
                            const std::string& save_path) {
  if (name.empty()) return empty_name();
  Status created = change_categories(store, "create a category", [&](CategoryMap& categories) {
    if (auto problem = check_new_name(name, categories)) return Status(*problem);
    if (!categories.emplace(name, save_path).second) {
      return Status(Problem::conflict("Unable to create category: '" + printable_label(name) +
                                      "' already exists"));
    }
    return Status(Done{});
  });
  if (created) {
    spdlog::info("created category '{}' with save path '{}'", printable_label(name), save_path);
  }
  return created;
}

Status edit_qbit_category(Store& store, const std::string& name,
                          const std::string& save_path) {
  if (name.empty()) return empty_name();
  Status edited = change_categories(store, "edit a category", [&](CategoryMap& categories) {
    const auto found = categories.find(name);
    if (found == categories.end()) {
      return Status(Problem::conflict("Unable to edit category: '" + printable_label(name) +
                                      "' does not exist"));
    }
    found->second = save_path;
    return Status(Done{});
  });
  if (edited) {
    spdlog::info("changed the save path of category '{}' to '{}'", printable_label(name),
                 save_path);
  }
  return edited;
}

Status ensure_qbit_category(Store& store, const std::string& name) {
  bool created = false;
  Status ensured = change_categories(store, "create a category", [&](CategoryMap& categories) {
    if (categories.count(name) != 0) return Status(Done{});
    if (auto problem = check_new_name(name, categories)) return Status(*problem);
    categories.emplace(name, std::string());
    created = true;
    return Status(Done{});
  });
  if (created) spdlog::info("created category '{}'", printable_label(name));
  return ensured;
}

Result<std::vector<std::string>> remove_qbit_categories(Store& store,
                                                        const std::vector<std::string>& names) {
  std::vector<std::string> removed;
  Status outcome = change_categories(store, "remove categories", [&](CategoryMap& categories) {
    removed.clear();
    for (const std::string& name : names) {
      if (categories.erase(name) != 0) removed.push_back(name);
    }
    return Status(Done{});
  });
  if (!outcome) return outcome.problem();
  for (const std::string& name : removed) {
    spdlog::info("removed category '{}'", printable_label(name));
  }
  return removed;
}

std::vector<std::string> load_qbit_tags(Store& store) {
  std::set<std::string> tags;
  store.transact([&](StoreTransaction& transaction) {
    tags = tags_from_document(transaction.document(kQbitTagsDocument).value_or(json(nullptr)));
  });
  return {tags.begin(), tags.end()};
}

std::vector<std::string> qbit_tags_in_use(Store& store,
                                          const std::vector<TorrentStatus>& torrents) {
  const std::vector<std::string> registered = load_qbit_tags(store);
  std::set<std::string> tags(registered.begin(), registered.end());
  for (const TorrentStatus& torrent : torrents) {
    tags.insert(torrent.tags.begin(), torrent.tags.end());
  }
  return {tags.begin(), tags.end()};
}

Status add_qbit_tags(Store& store, const std::vector<std::string>& tags) {
  if (tags.empty()) return Done{};
  std::vector<std::string> added;
  Status outcome = change_tags(store, "create tags", [&](std::set<std::string>& registered) {
    added.clear();
    for (const std::string& tag : tags) {
      if (registered.count(tag) == 0) added.push_back(tag);
    }
    if (registered.size() + added.size() > kQbitMaxTags) {
      return Status(Problem::conflict("Unable to create tags: at most " +
                                      std::to_string(kQbitMaxTags) + " tags may exist"));
    }
    registered.insert(added.begin(), added.end());
    return Status(Done{});
  });
  if (outcome && !added.empty()) spdlog::info("created {} tags", added.size());
  return outcome;
}

Status remove_qbit_tags(Store& store, const std::vector<std::string>& tags) {
  std::size_t removed = 0;
  Status outcome = change_tags(store, "delete tags", [&](std::set<std::string>& registered) {
    removed = 0;
    for (const std::string& tag : tags) removed += registered.erase(tag);
    return Status(Done{});
  });
  if (outcome && removed > 0) spdlog::info("deleted {} tags", removed);
  return outcome;
}

}  // namespace revaer
