// Fuzz target: the JSON entry point (clmis/json.hpp). Whatever the bytes, parse_json returns a
// value within the limits or throws ValidationError; what it returns passes check_json, prints
// with dump_json, and parses again to the same value.
#include "clmis/error.hpp"
#include "clmis/json.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  clmis::JsonLimits small;  // small limits, so that the limits themselves are reached often
  small.max_depth = 8;
  small.max_members = 16;
  small.max_string = 64;
  small.max_values = 256;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const clmis::JsonLimits& limits : {clmis::JsonLimits{}, small}) {
    try {
      const clmis::Json j = clmis::parse_json(text, "fuzz", limits);
      clmis::check_json(j, "fuzz", limits);
      const std::string out = clmis::dump_json(j);
      if (clmis::parse_json(out, "fuzz", limits) != j) std::abort();  // a value survives its own text
      (void)clmis::json_excerpt(j);
    } catch (const clmis::ValidationError& e) {
      if (e.errors().size() != 1 || e.errors()[0].rule != "json") std::abort();
    }
  }
  return 0;
}
