#pragma once

#include <utility>
#include <variant>

#include "core/problem.hpp"

namespace revaer {

// A value or the Problem that prevented it.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Problem problem) : state_(std::move(problem)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  const Problem& problem() const { return std::get<1>(state_); }

 private:
  std::variant<T, Problem> state_;
};

// Success without a value.
struct Done {};

using Status = Result<Done>;

}  // namespace revaer
