// Test helper: the validation errors of a call as (path, rule) pairs.
#pragma once

#include <catch2/catch.hpp>

#include "clmis/error.hpp"

#include <string>
#include <utility>
#include <vector>

namespace test {

using Errs = std::vector<std::pair<std::string, std::string>>;

/// The validation errors of a call, as (path, rule) pairs; fails the test if it did not throw.
template <class F>
Errs errors_of(F&& f) {
  try {
    f();
  } catch (const clmis::ValidationError& e) {
    Errs out;
    for (const auto& fe : e.errors()) out.emplace_back(fe.path, fe.rule);
    return out;
  }
  FAIL("no ValidationError");
  return {};
}

}  // namespace test
