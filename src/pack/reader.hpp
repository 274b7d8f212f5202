// Strict reading of the JSON files of packs and profiles: every error names the file, the JSON
// pointer path and the reason (PackError). Internal to the pack layer.
#pragma once

#include "clmis/error.hpp"
#include "clmis/json.hpp"
#include "pack/pack.hpp"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string>

namespace clmis::pack::detail {

/// Reads one JSON file strictly, naming file and JSON pointer path in every error.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& reason) const {
    throw PackError(file_ + ": " + (path.empty() ? "/" : path) + ": " + reason);
  }

  const Json& object(const Json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, std::string("expected an object, got ") + j.type_name());
    return j;
  }

  const Json& array(const Json& j, const std::string& path) const {
    if (!j.is_array()) fail(path, std::string("expected an array, got ") + j.type_name());
    return j;
  }

  /// Checks that o has every required key and no key outside required ∪ optional.
  void keys(const Json& o, const std::string& path, std::initializer_list<const char*> required,
            std::initializer_list<const char*> optional) const {
    object(o, path);
    for (const char* k : required)
      if (!o.contains(k)) fail(path, std::string("missing required key \"") + k + "\"");
    for (auto it = o.begin(); it != o.end(); ++it) {
      auto is = [&](const char* k) { return it.key() == k; };
      if (std::none_of(required.begin(), required.end(), is) &&
          std::none_of(optional.begin(), optional.end(), is))
        fail(path + "/" + it.key(), "unknown key \"" + it.key() + "\"");
    }
  }

  std::string str(const Json& o, const char* key, const std::string& path,
                  const std::string& fallback = {}) const {
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_string()) fail(path + "/" + key, std::string("expected a string, got ") +
                                                     it->type_name());
    return it->get<std::string>();
  }

  std::string name(const Json& o, const char* key, const std::string& path) const {
    auto s = str(o, key, path);
    if (!valid_name(s))
      fail(path + "/" + key, "\"" + s +
                                 "\" is not a valid name ([a-z][a-z0-9_]*, no \"__\", not "
                                 "clmis_/sqlite_, at most 48 characters)");
    return s;
  }

  bool boolean(const Json& o, const char* key, const std::string& path, bool fallback) const {
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_boolean()) fail(path + "/" + key, "expected true or false");
    return it->get<bool>();
  }

  std::int64_t integer(const Json& o, const char* key, const std::string& path, std::int64_t lo,
                       std::int64_t hi, std::int64_t fallback) const {
    auto it = o.find(key);
    if (it == o.end()) return fallback;
    if (!it->is_number_integer()) fail(path + "/" + key, "expected an integer");
    auto v = it->get<std::int64_t>();
    if (v < lo || v > hi)
      fail(path + "/" + key,
           "must be between " + std::to_string(lo) + " and " + std::to_string(hi));
    return v;
  }

  Label label(const Json& o, const char* key, const std::string& path, bool required) const {
    Label l;
    auto it = o.find(key);
    if (it == o.end()) {
      if (required) fail(path, std::string("missing required key \"") + key + "\"");
      return l;
    }
    const std::string p = path + "/" + key;
    if (it->is_string()) {
      l.text["en"] = it->get<std::string>();
      return l;
    }
    if (!it->is_object()) fail(p, "expected a string or an object of labels by language");
    for (auto li = it->begin(); li != it->end(); ++li) {
      const auto& lang = li.key();
      if (lang.size() != 2 || !std::islower(static_cast<unsigned char>(lang[0])) ||
          !std::islower(static_cast<unsigned char>(lang[1])))
        fail(p + "/" + lang, "\"" + lang + "\" is not a two-letter ISO 639-1 language code");
      if (!li->is_string() || li->get<std::string>().empty())
        fail(p + "/" + lang, "expected a non-empty string");
      l.text[lang] = li->get<std::string>();
    }
    if (!l.text.count("en")) fail(p, "an English label (\"en\") is required");
    return l;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

inline Json parse_json(const DataSource& src, const std::string& rel) {
  auto text = src.read(rel);
  if (!text) throw NotFound("no such file: " + src.describe(rel));
  // The library's JSON entry point, with room for a pack's code lists (a file of up to 64 MiB).
  JsonLimits limits;
  limits.max_bytes = std::size_t{64} * 1024 * 1024;
  try {
    return clmis::parse_json(*text, rel, limits);
  } catch (const ValidationError& e) {
    const auto& errs = e.errors();
    throw PackError(src.describe(rel) + ": " + e.what() +
                    (errs.empty() || errs[0].path.empty() ? "" : " at " + errs[0].path));
  }
}

}  // namespace clmis::pack::detail
