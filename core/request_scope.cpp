#include "core/request_scope.hpp"

#include <utility>

namespace revaer {
namespace {

thread_local std::string current_id;

}  // namespace

RequestScope::RequestScope(std::string request_id)
    : previous_(std::exchange(current_id, std::move(request_id))) {}

RequestScope::~RequestScope() { current_id = std::move(previous_); }

const std::string& current_request_id() { return current_id; }

}  // namespace revaer
