// The demo generator's parameters: data/demo/parameters.json (or the file the options name),
// read and checked member by member.
#pragma once

#include "clmis/value.hpp"
#include "demo/demo.hpp"
#include "demo/random.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

// --- the parameters -----------------------------------------------------------------------

struct Band {
  std::int64_t from = 0, to = 0;
};

class Params {
 public:
  Params(Json j, std::string origin) : j_(std::move(j)), origin_(std::move(origin)) {}

  [[nodiscard]] const std::string& origin() const { return origin_; }

  /// The member at a dotted path ("job_seekers.sex.shares"); PackError if missing.
  const Json& at(const std::string& path) const;
  [[nodiscard]] bool has(const std::string& path) const;
  double number(const std::string& path) const;
  std::int64_t integer(const std::string& path) const;
  /// A probability in [0, 1].
  double probability(const std::string& path) const;
  std::vector<std::string> strings(const std::string& path) const;
  std::vector<std::string> strings_of(const Json& v, const std::string& path) const;
  /// {"key": weight, ...} (a "reason" or "source" member is documentation and skipped); the
  /// weights must be ≥ 0 with a positive total; "shares" must add up to 1 (± 0.001).
  Choice choice_of(const Json& obj, const std::string& path, bool shares = true) const;
  Choice choice(const std::string& path, bool shares = true) const;
  /// [{"from", "to", "share"}] → a choice over band indices.
  std::vector<Band> bands(const std::string& path, Choice& c) const;
  /// [lo, hi] of integers.
  Band range(const std::string& path) const;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const;

 private:
  Json j_;
  std::string origin_;
};

/// Reads the parameters the options name: options.parameters_file, else
/// <data_dir>/demo/parameters.json, else the copy compiled into the program. NotFound if there
/// are none or the file cannot be read; PackError if they are not JSON.
Params load_parameters(const DemoOptions& o);

}  // namespace clmis::demo::detail
