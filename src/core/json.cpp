// The JSON entry point (clmis/json.hpp): a SAX parse with limits, objects built by appending.
#include "clmis/json.hpp"

#include "clmis/error.hpp"
#include "core/text.hpp"

#include <cmath>
#include <limits>
#include <cstdint>
#include <functional>
#include <unordered_set>

namespace clmis {

namespace {

using Members = Json::object_t::Container;  // the vector of (key, value) an ordered object is

std::string count_text(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// Where in a document: "contacts[3].name". Keys are cut to 40 characters and the whole path to
/// about 200 bytes, so a path never carries the input with it.
class Path {
 public:
  void push_key(const std::string& k) { parts_.push_back(k); keys_.push_back(true); }
  void push_index() { parts_.emplace_back(); keys_.push_back(false); index_.push_back(0); }
  void set_key(std::string_view k) { parts_.back() = std::string(detail::utf8_prefix(k, 40)); }
  void set_index(std::size_t i) { index_.back() = i; }
  void pop() {
    if (!keys_.back()) index_.pop_back();
    parts_.pop_back();
    keys_.pop_back();
  }
  [[nodiscard]] std::string str() const {
    std::string out;
    std::size_t ix = 0;
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      if (keys_[i]) {
        if (parts_[i].empty() && i + 1 == parts_.size()) continue;  // no key read yet
        if (!out.empty()) out += '.';
        out += detail::utf8_repaired(parts_[i]);
      } else {
        out += "[" + std::to_string(index_[ix++]) + "]";
      }
    }
    if (out.size() > 200)
      out = std::string(detail::utf8_prefix(out, 90)) + "…" +
            std::string(out.substr(out.size() - 90));  // the tail may start mid-sequence; repaired below
    return detail::utf8_repaired(out);
  }

 private:
  std::vector<std::string> parts_;
  std::vector<bool> keys_;
  std::vector<std::size_t> index_;
};

[[noreturn]] void refuse(std::string_view what, const std::string& path, const std::string& message) {
  // "malformed JSON at line 1, column 5: invalid literal (byte 5)"; "malformed JSON: a string of...".
  const std::string m = (message.rfind("at line ", 0) == 0 ? "malformed JSON " : "malformed JSON: ") + message;
  throw ValidationError(m, {{std::string(what), path, nullptr, "json", m}});
}

/// The keys of one object seen so far, for refusing a duplicate in constant time per key: a
/// linear scan while the object is small (most records), then an open-addressing table of the
/// keys' hashes, whose hits are confirmed against the keys themselves.
class KeySet {
 public:
  /// False if `key` is already among `keys` (the members read so far, in order).
  bool insert(std::string_view key, const std::vector<std::pair<std::string, Json>>& keys) {
    if (keys.size() < kScan) {
      for (const auto& m : keys)
        if (m.first == key) return false;
      return true;
    }
    if (table_.empty()) rebuild(keys, 64);
    else if ((keys.size() + 1) * 2 > table_.size()) rebuild(keys, table_.size() * 2);
    const std::uint64_t h = hash(key);
    for (std::size_t i = h & (table_.size() - 1);; i = (i + 1) & (table_.size() - 1)) {
      if (table_[i] == 0) {
        table_[i] = h;
        return true;
      }
      if (table_[i] == h)
        for (const auto& m : keys)
          if (m.first == key) return false;
    }
  }

 private:
  static constexpr std::size_t kScan = 16;
  static std::uint64_t hash(std::string_view k) { return std::hash<std::string_view>{}(k) | 1U; }
  void rebuild(const std::vector<std::pair<std::string, Json>>& keys, std::size_t size) {
    table_.assign(size, 0);
    for (const auto& m : keys) {
      const std::uint64_t h = hash(m.first);
      std::size_t i = h & (size - 1);
      while (table_[i] != 0) i = (i + 1) & (size - 1);
      table_[i] = h;
    }
  }
  std::vector<std::uint64_t> table_;
};

/// Builds the document from the parser's events, enforcing the limits as it goes. Each open
/// array or object collects its values in a vector of its own; when it closes they are moved
/// into the JSON value in one go, so nothing is searched or copied per key.
class Builder final : public nlohmann::json_sax<Json> {
 public:
  explicit Builder(const JsonLimits& limits) : limits_(limits) {}

  bool null() override { return put(nullptr); }
  bool boolean(bool v) override { return put(v); }
  bool number_integer(number_integer_t v) override { return put(v); }
  bool number_unsigned(number_unsigned_t v) override { return put(v); }
  bool number_float(number_float_t v, const string_t&) override {
    if (!std::isfinite(v)) return fail("a number too large for a double");
    return put(v);
  }
  bool string(string_t& v) override {
    if (!count()) return false;
    if (v.size() > limits_.max_string)
      return fail("a string of " + count_text(v.size()) + " bytes (at most " +
                  count_text(limits_.max_string) + ")");
    place(std::move(v));
    return true;
  }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t) override { return open(true); }
  bool key(string_t& k) override {
    Frame& f = stack_.back();
    path_.set_key(k);
    if (k.size() > limits_.max_string)
      return fail("a key of " + count_text(k.size()) + " bytes (at most " +
                  count_text(limits_.max_string) + ")");
    if (f.members.size() >= limits_.max_members)
      return fail("an object with more than " + count_text(limits_.max_members) + " keys");
    if (!f.keys.insert(k, f.members)) return fail("the key " + detail::quoted(k, 40) + " appears twice");
    f.key = std::move(k);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) override {
    if (!error_.empty()) return false;  // a limit stopped the parse; keep its message
    std::string m = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: syntax error while
    // parsing value - invalid literal; last read: '...'": keep what and where ("at line 1,
    // column 3: invalid literal"), drop the parser's own words and what was read.
    if (auto p = m.find("] "); p != std::string::npos) m.erase(0, p + 2);
    if (auto p = m.find("; last read"); p != std::string::npos) m.erase(p);
    if (auto p = m.find("syntax error "); p != std::string::npos)
      if (auto d = m.find("- ", p); d != std::string::npos) m.erase(p, d + 2 - p);
    if (m.find("json.exception") != std::string::npos) m = "not JSON";  // never the parser's internals
    if (e.id == 406 || m.find("number overflow") != std::string::npos)
      m = "a number too large for a double";
    else if (m.rfind("parse error", 0) == 0)
      m.erase(0, std::string_view("parse error ").size());  // "at line 1, column 3: ..."
    error_ = detail::utf8_repaired(m) + " (byte " + std::to_string(byte) + ")";
    // The value being read when the text went wrong is the array's next element.
    if (!stack_.empty() && !stack_.back().object) path_.set_index(stack_.back().items.size());
    error_path_ = path_.str();
    return false;
  }

  Json take() { return std::move(root_); }
  [[nodiscard]] const std::string& error() const { return error_; }
  [[nodiscard]] const std::string& error_path() const { return error_path_; }

 private:
  struct Frame {
    bool object = false;
    std::vector<Json> items;                            // an array's values
    std::vector<std::pair<std::string, Json>> members;  // an object's members, in order
    std::string key;                                    // the key whose value comes next
    KeySet keys;
  };

  bool fail(const std::string& message) {
    if (error_.empty()) {
      error_ = message;
      error_path_ = path_.str();
    }
    return false;
  }

  void place(Json v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& f = stack_.back();
    if (f.object) {
      path_.set_key("");  // between members an error is the object's, not the last key's
      f.members.emplace_back(std::move(f.key), std::move(v));
    } else {
      f.items.push_back(std::move(v));
    }
  }

  /// One more value: its place in the path first (so an error names it), then the limit.
  bool count() {
    if (!stack_.empty() && !stack_.back().object) path_.set_index(stack_.back().items.size());
    if (++values_ > limits_.max_values)
      return fail("more than " + count_text(limits_.max_values) + " values");
    return true;
  }

  bool put(Json v) {
    if (!count()) return false;
    place(std::move(v));
    return true;
  }

  bool open(bool object) {
    if (!count()) return false;
    if (stack_.size() >= limits_.max_depth)
      return fail("nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    stack_.emplace_back();
    stack_.back().object = object;
    if (object) path_.push_key("");
    else path_.push_index();
    return true;
  }

  bool close() {
    Frame& f = stack_.back();
    Json v = f.object ? Json::object() : Json::array();
    if (f.object) {
      auto& out = static_cast<Members&>(v.get_ref<Json::object_t&>());
      out.reserve(f.members.size());
      for (auto& m : f.members) out.emplace_back(std::move(m.first), std::move(m.second));
    } else {
      v.get_ref<Json::array_t&>() = std::move(f.items);
    }
    stack_.pop_back();
    path_.pop();
    place(std::move(v));
    return true;
  }

  const JsonLimits& limits_;
  Json root_;
  std::vector<Frame> stack_;
  Path path_;
  std::size_t values_ = 0;
  std::string error_, error_path_;
};

}  // namespace

Json parse_json(std::string_view text, std::string_view what, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    refuse(what, "", "a document of " + count_text(text.size()) + " bytes (at most " +
                         count_text(limits.max_bytes) + ")");
  if (text.substr(0, 3) == "\xEF\xBB\xBF")
    refuse(what, "", "a byte-order mark (EF BB BF) before the JSON; save the text as UTF-8 without one");
  Builder b(limits);
  const bool ok = Json::sax_parse(text.data(), text.data() + text.size(), &b, nlohmann::json::input_format_t::json,
                                  /*strict=*/true, /*ignore_comments=*/false);
  if (!ok || !b.error().empty())
    refuse(what, b.error_path(), b.error().empty() ? std::string("incomplete input") : b.error());
  return b.take();
}

void check_json(const Json& value, std::string_view what, const JsonLimits& limits) {
  struct Frame {
    const Json* node;
    std::size_t next;
  };
  std::vector<Frame> stack;
  Path path;
  std::size_t values = 0;
  auto fail = [&](const std::string& m) { refuse(what, path.str(), m); };
  auto visit = [&](const Json& v) {
    if (++values > limits.max_values) fail("more than " + count_text(limits.max_values) + " values");
    switch (v.type()) {
      case Json::value_t::string:
        if (v.get_ref<const std::string&>().size() > limits.max_string)
          fail("a string of " + count_text(v.get_ref<const std::string&>().size()) + " bytes (at most " +
               count_text(limits.max_string) + ")");
        break;
      case Json::value_t::binary: fail("binary values are not JSON"); break;
      case Json::value_t::object:
      case Json::value_t::array:
        if (stack.size() >= limits.max_depth)
          fail("nested deeper than " + std::to_string(limits.max_depth) + " levels");
        if (v.is_object() && v.size() > limits.max_members)
          fail("an object with more than " + count_text(limits.max_members) + " keys");
        stack.push_back(Frame{&v, 0});
        if (v.is_object()) path.push_key("");
        else path.push_index();
        break;
      default: break;
    }
  };
  visit(value);
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == f.node->size()) {
      stack.pop_back();
      path.pop();
      continue;
    }
    const std::size_t i = f.next++;
    if (f.node->is_object()) {
      const auto& m = static_cast<const Members&>(f.node->get_ref<const Json::object_t&>())[i];
      path.set_key(m.first);
      if (m.first.size() > limits.max_string)
        fail("a key of " + count_text(m.first.size()) + " bytes (at most " + count_text(limits.max_string) + ")");
      visit(m.second);  // may push: f is not used after this
    } else {
      path.set_index(i);
      visit((*f.node)[i]);
    }
  }
}

Json json_object(std::vector<std::pair<std::string, Json>> members, std::string_view what) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(members.size());
  for (const auto& m : members)
    if (!seen.insert(m.first).second)
      refuse(what, std::string(detail::utf8_prefix(m.first, 40)), "the key " + detail::quoted(m.first, 40) + " appears twice");
  Json out = Json::object();
  auto& vec = static_cast<Members&>(out.get_ref<Json::object_t&>());
  vec.reserve(members.size());
  for (auto& m : members) vec.emplace_back(std::move(m.first), std::move(m.second));
  return out;
}

std::string dump_json(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

Json json_excerpt(const Json& value) {
  constexpr std::size_t kMaxChars = 64, kMaxBytes = 200;
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    if (utf8_length(s) <= kMaxChars) return value;
    std::size_t i = 0;
    for (std::size_t chars = 0; i < s.size() && chars < kMaxChars; ++chars) {
      const std::size_t n = detail::utf8_sequence_length(s, i);
      i += n == 0 ? 1 : n;
    }
    return std::string(s.substr(0, i)) + "…";
  }
  if (!value.is_structured()) return value;
  // Measure the text the value would have, stopping as soon as it is too long or too deep.
  std::size_t bytes = 0;
  std::vector<std::pair<const Json*, std::size_t>> stack{{&value, 0}};
  bool small = true;
  while (!stack.empty() && small) {
    auto& [node, next] = stack.back();
    if (next == node->size()) {
      stack.pop_back();
      continue;
    }
    const Json& child = node->is_object()
                            ? static_cast<const Members&>(node->get_ref<const Json::object_t&>())[next].second
                            : (*node)[next];
    if (node->is_object())
      bytes += static_cast<const Members&>(node->get_ref<const Json::object_t&>())[next].first.size() + 3;
    ++next;
    bytes += child.is_string() ? child.get_ref<const std::string&>().size() + 3 : child.is_structured() ? 2 : 21;
    if (child.is_structured() && !child.empty()) stack.emplace_back(&child, 0);
    if (bytes > kMaxBytes || stack.size() > 8) small = false;
  }
  if (small) return value;
  const std::string n = count_text(value.size());
  if (value.is_array()) return "<an array of " + n + (value.size() == 1 ? " value>" : " values>");
  return "<an object of " + n + (value.size() == 1 ? " key>" : " keys>");
}

}  // namespace clmis
