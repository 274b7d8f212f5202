#include "convert.hpp"

// The CPython datetime C API; PyDateTime_IMPORT fills this translation unit's PyDateTimeAPI.
#include <datetime.h>

#include <clmis/error.hpp>
#include <clmis/json.hpp>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace clmis::python {

namespace {

// Owned for the life of the process (never released: the interpreter may be finalising when
// static destructors run).
PyObject* g_decimal = nullptr;   // decimal.Decimal
PyObject* g_money = nullptr;     // clmis._types.Money
PyObject* g_mapping = nullptr;   // collections.abc.Mapping
PyObject* g_utc = nullptr;       // datetime.timezone.utc

Kind kind_of(const std::string& type) {
  if (type == "text") return Kind::text;
  if (type == "integer") return Kind::integer;
  if (type == "decimal") return Kind::decimal;
  if (type == "money") return Kind::money;
  if (type == "date") return Kind::date;
  if (type == "datetime") return Kind::datetime;
  if (type == "boolean") return Kind::boolean;
  if (type == "code") return Kind::code;
  if (type == "reference") return Kind::reference;
  return Kind::other;
}

void add(TypeSpec& t, Column c) {
  t.index.emplace(c.name, t.columns.size());
  t.columns.push_back(std::move(c));
}

void add_fields(TypeSpec& t, const Json& fields) {
  if (!fields.is_array()) return;
  for (const auto& f : fields) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) continue;
    Column c;
    c.name = f["name"].get<std::string>();
    c.kind = f.contains("type") && f["type"].is_string() ? kind_of(f["type"].get<std::string>())
                                                          : Kind::other;
    if (f.contains("code_list") && f["code_list"].is_string())
      c.code_list = f["code_list"].get<std::string>();
    add(t, std::move(c));
  }
}

// ---- parsing of the fixed encodings ------------------------------------------------------------

bool digits(std::string_view s, size_t pos, size_t n, int& out) {
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

/// "YYYY-MM-DD" → datetime.date; nullptr if the text is not one.
PyObject* parse_date(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 0, 4, y) || !digits(s, 5, 2, m) ||
      !digits(s, 8, 2, d))
    return nullptr;
  PyObject* o = PyDate_FromDate(y, m, d);
  if (!o) PyErr_Clear();
  return o;
}

/// "YYYY-MM-DDThh:mm:ssZ" → aware datetime.datetime in UTC; nullptr if the text is not one.
PyObject* parse_datetime(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z' || !digits(s, 0, 4, y) || !digits(s, 5, 2, mo) ||
      !digits(s, 8, 2, d) || !digits(s, 11, 2, h) || !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec))
    return nullptr;
  PyObject* o = PyDateTimeAPI->DateTime_FromDateAndTime(y, mo, d, h, mi, sec, 0, g_utc,
                                                        PyDateTimeAPI->DateTimeType);
  if (!o) PyErr_Clear();
  return o;
}

py::object make_decimal(const std::string& text) {
  return py::reinterpret_borrow<py::object>(g_decimal)(py::str(text));
}

// ---- Python → JSON -----------------------------------------------------------------------------

[[noreturn]] void fail(PyObject* type, const std::string& path, const std::string& message) {
  PyErr_SetString(type, (path + ": " + message).c_str());
  throw py::error_already_set();
}

std::string type_name(py::handle o) {
  return py::str(py::type::handle_of(o).attr("__qualname__")).cast<std::string>();
}

std::string two(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string four(int v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d", v);
  return buf;
}

/// The state of one conversion: where it is (for messages) and what it has used of the limits
/// every JSON input has (clmis/json.hpp), so a Python value meets the same limits as JSON text.
struct Walk {
  std::string path;
  std::size_t depth = 0;
  std::size_t values = 0;
  JsonLimits limits;
};

[[noreturn]] void over_limit(const Walk& w, const std::string& message) {
  throw clmis::ValidationError("malformed JSON: " + message + " at " + w.path,
                               {{"", w.path, nullptr, "json", "malformed JSON: " + message}});
}

Json convert(py::handle o, Walk& w);

/// A str as UTF-8; a str that has none (lone surrogates) is a ValueError naming the place.
std::string utf8(py::handle s, const std::string& path) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(s.ptr(), &size);
  if (!data) {
    PyErr_Clear();
    fail(PyExc_ValueError, path, "the text cannot be encoded in UTF-8 (it has a lone surrogate)");
  }
  return std::string(data, static_cast<size_t>(size));
}

/// A dict or Mapping: its members appended in linear time (json_object), not looked up one by one.
Json convert_items(py::handle items, Walk& w) {
  std::vector<std::pair<std::string, Json>> members;
  for (py::handle item : items) {
    auto pair = py::reinterpret_borrow<py::tuple>(item);
    py::handle key = pair[0];
    if (!PyUnicode_Check(key.ptr()))
      fail(PyExc_TypeError, w.path, "keys must be str, not " + type_name(key));
    auto k = utf8(key, w.path);
    if (members.size() == w.limits.max_members)
      over_limit(w, "a dict with more than " + std::to_string(w.limits.max_members) + " keys");
    if (k.size() > w.limits.max_string)
      over_limit(w, "a key of " + std::to_string(k.size()) + " bytes (at most " +
                        std::to_string(w.limits.max_string) + ")");
    const size_t mark = w.path.size();
    w.path += "['" + json_excerpt(Json(k)).get<std::string>() + "']";  // a long key is cut
    Json v = convert(pair[1], w);
    w.path.resize(mark);
    members.emplace_back(std::move(k), std::move(v));
  }
  return json_object(std::move(members), w.path);
}

/// Entering a dict, list or tuple: one level deeper, refused past the depth limit before the
/// recursion goes on (a list nested 100,000 deep is an error, not a stack overflow).
struct Nest {
  explicit Nest(Walk& w) : w_(w) {
    if (w.depth == w.limits.max_depth)
      over_limit(w, "nested deeper than " + std::to_string(w.limits.max_depth) + " levels");
    ++w.depth;
  }
  ~Nest() { --w_.depth; }
  Nest(const Nest&) = delete;
  Nest& operator=(const Nest&) = delete;

 private:
  Walk& w_;
};

Json convert(py::handle o, Walk& w) {
  std::string& path = w.path;
  if (++w.values > w.limits.max_values)
    over_limit(w, "more than " + std::to_string(w.limits.max_values) + " values");
  PyObject* p = o.ptr();
  if (p == Py_None) return nullptr;
  if (PyBool_Check(p)) return p == Py_True;
  if (PyLong_Check(p)) {
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(p, &overflow);
    if (overflow != 0) fail(PyExc_OverflowError, path, "the integer does not fit in 64 bits");
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return static_cast<std::int64_t>(v);
  }
  // A float goes to the library as a JSON float, which it refuses for every field type with a
  // ValidationError that names the field: binary floating point is never rounded into a value.
  if (PyFloat_Check(p)) return PyFloat_AS_DOUBLE(p);
  if (PyUnicode_Check(p)) {
    std::string text = utf8(o, path);
    if (text.size() > w.limits.max_string)
      over_limit(w, "a string of " + std::to_string(text.size()) + " bytes (at most " +
                        std::to_string(w.limits.max_string) + ")");
    return text;
  }
  if (PyObject_IsInstance(p, g_decimal) == 1) {
    // Plain notation ("100", not "1E+2"); NaN and Infinity come out as text the library refuses.
    return py::str(py::reinterpret_steal<py::object>(PyObject_Format(p, py::str("f").ptr())))
        .cast<std::string>();
  }
  if (PyDateTime_Check(p)) {
    py::object off = o.attr("utcoffset")();
    if (off.is_none())
      fail(PyExc_ValueError, path,
           "a naive datetime has no time zone; give one (tzinfo=datetime.timezone.utc)");
    py::object utc = o.attr("astimezone")(py::handle(g_utc));
    PyObject* u = utc.ptr();
    if (PyDateTime_DATE_GET_MICROSECOND(u) != 0)
      fail(PyExc_ValueError, path,
           "clmis datetimes are whole seconds; use .replace(microsecond=0)");
    return four(PyDateTime_GET_YEAR(u)) + "-" + two(PyDateTime_GET_MONTH(u)) + "-" +
           two(PyDateTime_GET_DAY(u)) + "T" + two(PyDateTime_DATE_GET_HOUR(u)) + ":" +
           two(PyDateTime_DATE_GET_MINUTE(u)) + ":" + two(PyDateTime_DATE_GET_SECOND(u)) + "Z";
  }
  if (PyDate_Check(p))
    return four(PyDateTime_GET_YEAR(p)) + "-" + two(PyDateTime_GET_MONTH(p)) + "-" +
           two(PyDateTime_GET_DAY(p));
  if (PyObject_IsInstance(p, g_money) == 1) {
    Json out = Json::object();
    const size_t mark = path.size();
    path += ".amount";
    out["amount"] = convert(o.attr("amount"), w);
    path.resize(mark);
    path += ".currency";
    out["currency"] = convert(o.attr("currency"), w);
    path.resize(mark);
    return out;
  }
  if (PyDict_Check(p)) {
    Nest nest(w);
    return convert_items(o.attr("items")(), w);
  }
  if (PyList_Check(p) || PyTuple_Check(p)) {
    Nest nest(w);
    Json out = Json::array();
    size_t i = 0;
    for (py::handle item : o) {
      const size_t mark = path.size();
      path += "[" + std::to_string(i++) + "]";
      out.push_back(convert(item, w));
      path.resize(mark);
    }
    return out;
  }
  if (PyObject_IsInstance(p, g_mapping) == 1) {
    Nest nest(w);
    return convert_items(o.attr("items")(), w);
  }
  // Integer-like objects (numpy.int64...): their exact integer value.
  if (PyIndex_Check(p)) {
    --w.values;  // the same value, as an int
    return convert(py::reinterpret_steal<py::object>(PyNumber_Index(p)), w);
  }
  fail(PyExc_TypeError, path,
       "a value of type " + type_name(o) +
           " has no clmis encoding (use str, int, bool, None, decimal.Decimal, datetime.date, "
           "an aware datetime.datetime, clmis.Money, dict or list)");
}

}  // namespace

const char* kind_name(Kind k) noexcept {
  switch (k) {
    case Kind::text: return "text";
    case Kind::integer: return "integer";
    case Kind::decimal: return "decimal";
    case Kind::money: return "money";
    case Kind::date: return "date";
    case Kind::datetime: return "datetime";
    case Kind::boolean: return "boolean";
    case Kind::code: return "code";
    case Kind::reference: return "reference";
    case Kind::section: return "section";
    case Kind::age_group: return "age_group";
    case Kind::other: break;
  }
  return "other";
}

const Column* TypeSpec::find(std::string_view name) const {
  auto it = index.find(name);
  return it == index.end() ? nullptr : &columns[it->second];
}

Schema::Schema(const Json& schema) {
  if (!schema.is_object() || !schema.contains("record_types") || !schema["record_types"].is_array())
    return;
  for (const auto& rt : schema["record_types"]) {
    if (!rt.is_object() || !rt.contains("name") || !rt["name"].is_string()) continue;
    auto t = std::make_shared<TypeSpec>();
    t->name = rt["name"].get<std::string>();
    // The system fields first, in the order Session::get returns them (schema "system_fields").
    if (schema.contains("system_fields")) add_fields(*t, schema["system_fields"]);
    if (rt.contains("fields") && rt["fields"].is_array()) {
      // "age_group" comes right after the field it is computed from (the schema's "age_group").
      const Json* from = rt.contains("age_group") && rt["age_group"].is_object() && rt["age_group"].contains("from")
                             ? &rt["age_group"]["from"] : nullptr;
      for (const auto& f : rt["fields"]) {
        add_fields(*t, Json::array({f}));
        if (from && f.is_object() && f.contains("name") && f["name"] == *from) add(*t, {"age_group", Kind::age_group, {}, {}});
      }
    }
    if (rt.contains("sections") && rt["sections"].is_array())
      for (const auto& s : rt["sections"]) {
        if (!s.is_object() || !s.contains("name") || !s["name"].is_string()) continue;
        auto entry = std::make_shared<TypeSpec>();
        entry->name = t->name + "." + s["name"].get<std::string>();
        if (s.contains("fields")) add_fields(*entry, s["fields"]);
        add(*t, {s["name"].get<std::string>(), Kind::section, {}, std::move(entry)});
      }
    types_.emplace(t->name, std::move(t));
  }
}

const TypeSpec* Schema::find(std::string_view type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : it->second.get();
}

void init_conversions() {
  PyDateTime_IMPORT;
  if (!PyDateTimeAPI) throw py::error_already_set();
  g_utc = PyDateTime_TimeZone_UTC;
  Py_INCREF(g_utc);
  auto keep = [](py::object o) { return o.release().ptr(); };
  g_decimal = keep(py::module_::import("decimal").attr("Decimal"));
  g_mapping = keep(py::module_::import("collections.abc").attr("Mapping"));
  g_money = keep(py::module_::import("clmis._types").attr("Money"));
}

Json to_json(py::handle value, const char* what) {
  Walk w;
  w.path = what;
  return convert(value, w);
}

py::str text(const std::string& s) {
  // Bytes stored before they were checked (a failed login's name) come out as U+FFFD, never a
  // UnicodeDecodeError.
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

py::object from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return py::none();
    case Json::value_t::boolean: return py::bool_(j.get<bool>());
    case Json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case Json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case Json::value_t::number_float: return py::float_(j.get<double>());
    case Json::value_t::string: return text(j.get_ref<const std::string&>());
    case Json::value_t::array: {
      py::list out(j.size());
      for (size_t i = 0; i < j.size(); ++i) out[i] = from_json(j[i]);
      return out;
    }
    case Json::value_t::object: {
      py::dict out;
      for (auto it = j.begin(); it != j.end(); ++it) out[text(it.key())] = from_json(it.value());
      return out;
    }
    case Json::value_t::binary:
    case Json::value_t::discarded: break;
  }
  return py::none();
}

py::object value_from_json(const Json& j, Kind kind) {
  if (j.is_null()) return py::none();
  switch (kind) {
    case Kind::date:
      if (j.is_string())
        if (PyObject* o = parse_date(j.get_ref<const std::string&>()))
          return py::reinterpret_steal<py::object>(o);
      break;
    case Kind::datetime:
      if (j.is_string())
        if (PyObject* o = parse_datetime(j.get_ref<const std::string&>()))
          return py::reinterpret_steal<py::object>(o);
      break;
    case Kind::decimal:
      if (j.is_string()) return make_decimal(j.get<std::string>());
      break;
    case Kind::money:
      if (j.is_object() && j.contains("amount") && j["amount"].is_string() &&
          j.contains("currency") && j["currency"].is_string())
        return py::reinterpret_borrow<py::object>(g_money)(make_decimal(j["amount"].get<std::string>()),
                                                           py::str(j["currency"].get<std::string>()));
      break;
    default: break;
  }
  return from_json(j);  // other kinds, and anything not in its documented encoding
}

py::dict record_from_json(const Json& record, const TypeSpec* spec) {
  py::dict out;
  if (!record.is_object()) return out;
  for (auto it = record.begin(); it != record.end(); ++it) {
    const Column* c = spec ? spec->find(it.key()) : nullptr;
    py::object v;
    if (c && c->kind == Kind::section && it.value().is_array()) {
      py::list entries(it.value().size());
      for (size_t i = 0; i < it.value().size(); ++i)
        entries[i] = record_from_json(it.value()[i], c->entry.get());
      v = std::move(entries);
    } else {
      v = c ? value_from_json(it.value(), c->kind) : from_json(it.value());
    }
    out[py::str(it.key())] = std::move(v);
  }
  return out;
}

py::object decimal_from_text(std::string_view numeral) {
  py::str s(numeral.data(), numeral.size());
  PyObject* o = PyObject_CallFunctionObjArgs(g_decimal, s.ptr(), nullptr);
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

py::object money_from(py::handle amount, std::string_view currency) {
  return py::reinterpret_borrow<py::object>(g_money)(amount, py::str(currency.data(), currency.size()));
}

py::list errors_to_python(const Json& errors) {
  py::list out;
  if (!errors.is_array()) return out;
  for (const auto& e : errors) out.append(from_json(e));
  return out;
}

}  // namespace clmis::python
