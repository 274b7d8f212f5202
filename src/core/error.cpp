#include "clmis/error.hpp"

#include "clmis/json.hpp"

namespace clmis {

Json to_json(const std::vector<FieldError>& errors) {
  auto out = Json::array();
  for (const auto& e : errors) {
    Json o;
    o["record"] = e.record;
    o["path"] = e.path;
    o["value"] = e.value;
    o["rule"] = e.rule;
    o["message"] = e.message;
    out.push_back(std::move(o));
  }
  return out;
}

namespace {
std::string summarise(const std::vector<FieldError>& errors) {
  std::string m = "validation failed";
  if (!errors.empty()) {
    const auto& e = errors.front();
    m += ": " + e.record + (e.path.empty() ? "" : "." + e.path) + ": " + e.message;
    if (errors.size() > 1) m += " (and " + std::to_string(errors.size() - 1) + " more)";
  }
  return m;
}

std::vector<FieldError> bounded(std::vector<FieldError> errors) {
  for (auto& e : errors) e.value = json_excerpt(e.value);
  return errors;
}
}  // namespace

ValidationError::ValidationError(std::vector<FieldError> errors)
    : Error(Errc::invalid, summarise(errors)), errors_(bounded(std::move(errors))) {}

ValidationError::ValidationError(const std::string& message, std::vector<FieldError> errors)
    : Error(Errc::invalid, message), errors_(bounded(std::move(errors))) {}

}  // namespace clmis
