#include "api/openapi_operation.hpp"

#include <iterator>
#include <utility>

namespace revaer {

using nlohmann::json;

json json_request(const std::string& description, json schema, json example) {
  return {
      {"description", description},
      {"required", true},
      {"content",
       {{"application/json", {{"schema", std::move(schema)}, {"example", std::move(example)}}}}},
  };
}

json json_response(const std::string& description, json schema, json example) {
  return {
      {"description", description},
      {"content",
       {{"application/json", {{"schema", std::move(schema)}, {"example", std::move(example)}}}}},
  };
}

json schema_ref(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }

json query_parameter(const std::string& name, const std::string& description, json schema,
                     json example) {
  return {
      {"name", name},
      {"in", "query"},
      {"required", false},
      {"description", description},
      {"schema", std::move(schema)},
      {"example", std::move(example)},
  };
}

std::vector<OperationDoc> all_operation_docs() {
  std::vector<OperationDoc> docs = system_operation_docs();
  for (auto table :
       {torrent_operation_docs, torrent_control_operation_docs, event_operation_docs}) {
    std::vector<OperationDoc> more = table();
    docs.insert(docs.end(), std::make_move_iterator(more.begin()),
                std::make_move_iterator(more.end()));
  }
  return docs;
}

}  // namespace revaer
