#pragma once

#include <string>

namespace revaer {

// Makes the id of the HTTP request a thread is handling visible to the
// code it calls. An engine command or a configuration commit then puts the
// id on the events it causes, without every interface passing it along.
// The API dispatcher opens one scope around each handler call. Scopes
// nest, and the destructor restores the id that was current before.
class RequestScope {
 public:
  explicit RequestScope(std::string request_id);
  ~RequestScope();

  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  std::string previous_;
};

// Returns the request id of the innermost scope on this thread, or an
// empty string outside any request.
const std::string& current_request_id();

}  // namespace revaer
