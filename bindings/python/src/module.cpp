// clmis._core — the Python face of clmis: a thin, mechanical layer over the C++ API
// (clmis/database.hpp). No rule lives here: values are converted (convert.hpp), errors are
// mapped (errors.hpp), and every call that reaches the database runs with the GIL released.
//
// Locks: the library serialises the calls on a database with its own mutex, taken after the
// GIL is released; nothing here waits for a lock while holding the GIL or while the library
// works, so a batch callback (which takes the GIL back while the library holds the database)
// cannot deadlock.
#include "convert.hpp"
#include "errors.hpp"

#include <clmis/database.hpp>
#include <clmis/io.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace clmis::python {
namespace {

constexpr int kDefaultPageSize = 500;
constexpr int kMaxPageSize = 1000;  // the library's maximum "limit" of one page

/// What a Database and every Session and Cursor made from it share.
struct DbState {
  DbState(clmis::Database d, std::string p, const Json& schema)
      : db(std::move(d)), path(std::move(p)), types(std::make_shared<const Schema>(schema)) {}
  clmis::Database db;
  std::string path;
  std::shared_ptr<const Schema> types;
  std::atomic<bool> closed{false};
};

/// Runs f with the GIL released (the arguments must be converted before).
template <class F>
auto released(F&& f) -> decltype(f()) {
  py::gil_scoped_release release;
  return f();
}

struct PyDatabase {
  std::shared_ptr<DbState> st;
};

struct PySession {
  PySession(std::shared_ptr<DbState> s, clmis::Session sess) : st(std::move(s)), session(std::move(sess)) {}
  std::shared_ptr<DbState> st;

  /// Runs f on a copy of the session handle with the GIL released. A clmis::Session is for one
  /// thread at a time and copies are cheap handles to the same session state, so each call
  /// works on its own copy: Python threads may share a Session, and no lock of the binding is
  /// held while the library works (nothing to order against the library's own lock, which a
  /// batch holds while its callback calls other sessions).
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<clmis::Session&>())) {
    clmis::Session copy = handle();
    py::gil_scoped_release release;
    return f(copy);
  }

  /// As read(), for the calls that set the session's warnings (create, update, upsert,
  /// transition): the copy's warnings become the session's, also when the write is refused.
  template <class F>
  auto write(F&& f) -> decltype(f(std::declval<clmis::Session&>())) {
    clmis::Session copy = handle();
    struct Keep {
      PySession& self;
      clmis::Session& copy;
      ~Keep() {
        std::lock_guard lock(self.mu);
        self.session = copy;
      }
    } keep{*this, copy};
    py::gil_scoped_release release;
    return f(copy);
  }

  [[nodiscard]] clmis::Session handle() {
    std::lock_guard lock(mu);
    return session;
  }

  [[nodiscard]] const TypeSpec* spec(std::string_view type) const { return st->types->find(type); }

 private:
  // Guards `session` for the copies above; held only to copy, never while waiting.
  std::mutex mu;
  clmis::Session session;
};

std::string fspath(const std::filesystem::path& p) { return p.string(); }

/// A Python callable as the database's clock: it returns an int (seconds since 1970 UTC) or an
/// aware datetime.datetime (fractions of a second dropped). The library calls it with the GIL
/// released, so the call takes the GIL; what it raises, or a value of another kind, becomes
/// Misuse for the operation that read the clock (which then changes nothing).
clmis::Clock python_clock(const py::object& fn) {
  if (fn.is_none()) return {};
  if (!PyCallable_Check(fn.ptr()))
    throw py::type_error("clock must be a callable returning an int of UTC seconds or an aware datetime");
  // The callable is released with the GIL held, whichever thread drops the database.
  std::shared_ptr<py::object> holder(new py::object(fn), [](py::object* p) {
    if (!Py_IsInitialized()) return;  // the interpreter is gone: leave it
    py::gil_scoped_acquire gil;
    delete p;
  });
  return [holder]() -> std::chrono::sys_seconds {
    py::gil_scoped_acquire gil;
    try {
      py::object v = (*holder)();
      if (py::isinstance<py::int_>(v) && !py::isinstance<py::bool_>(v))
        return std::chrono::sys_seconds{std::chrono::seconds{v.cast<std::int64_t>()}};
      if (py::isinstance(v, py::module_::import("datetime").attr("datetime"))) {
        if (v.attr("tzinfo").is_none() || v.attr("utcoffset")().is_none())
          throw clmis::Misuse("the clock returned a naive datetime; return an aware one (tzinfo=timezone.utc) or "
                              "an int of UTC seconds");
        const Json text = to_json(v.attr("replace")(py::arg("microsecond") = 0), "clock");
        if (auto t = clmis::parse_datetime(text.get<std::string>())) return *t;
      }
      throw clmis::Misuse("the clock returned " + py::repr(v).cast<std::string>() +
                          "; it returns an int of UTC seconds or an aware datetime");
    } catch (const clmis::Error&) {
      throw;
    } catch (py::error_already_set& e) {
      throw clmis::Misuse(std::string("the clock raised ") + e.what());
    } catch (const std::exception& e) {  // a conversion that failed (an int beyond 64 bits...)
      throw clmis::Misuse(std::string("the clock returned a value clmis cannot use: ") + e.what());
    }
  };
}

PyDatabase make_database(std::function<clmis::Database()> open_fn) {
  return released([&] {
    clmis::Database db = open_fn();
    const std::string path = db.path();
    const Json schema = db.schema();
    return PyDatabase{std::make_shared<DbState>(std::move(db), path, schema)};
  });
}

/// Converts an object of a JSON document, typing the keys named in `kinds`.
py::dict typed_object(const Json& o, std::initializer_list<std::pair<const char*, Kind>> kinds) {
  py::dict out;
  if (!o.is_object()) return out;
  for (auto it = o.begin(); it != o.end(); ++it) {
    Kind k = Kind::other;
    for (const auto& [name, kind] : kinds)
      if (it.key() == name) k = kind;
    out[py::str(it.key())] = value_from_json(it.value(), k);
  }
  return out;
}

// ---- queries -----------------------------------------------------------------------------------

Json condition(const std::string& field, const char* op, Json value) {
  return Json{{"field", field}, {"op", op}, {"value", std::move(value)}};
}

bool is_money(py::handle v) {
  return py::isinstance(v, py::module_::import("clmis._types").attr("Money"));
}

/// The filter argument → the query document's "filter" array. Accepted: a dict {field: value}
/// (None → is_null, a list or tuple → in, anything else → eq), or a list of conditions, each a
/// dict {"field", "op", "value"} or a tuple (field, op, value).
Json make_filter(py::handle filter) {
  Json out = Json::array();
  if (py::isinstance<py::dict>(filter)) {
    for (auto item : py::reinterpret_borrow<py::dict>(filter)) {
      if (!py::isinstance<py::str>(item.first))
        throw py::type_error("filter: keys are field names (str)");
      const auto field = item.first.cast<std::string>();
      const std::string path = "filter['" + field + "']";
      py::handle v = item.second;
      if (v.is_none())
        out.push_back(condition(field, "is_null", true));
      else if ((py::isinstance<py::list>(v) || py::isinstance<py::tuple>(v)) && !is_money(v))
        out.push_back(condition(field, "in", to_json(v, path.c_str())));
      else
        out.push_back(condition(field, "eq", to_json(v, path.c_str())));
    }
    return out;
  }
  if (!py::isinstance<py::list>(filter) && !py::isinstance<py::tuple>(filter))
    throw py::type_error("filter is a dict {field: value} or a list of conditions");
  size_t i = 0;
  for (py::handle c : filter) {
    const std::string path = "filter[" + std::to_string(i++) + "]";
    if (py::isinstance<py::tuple>(c)) {
      auto t = py::reinterpret_borrow<py::tuple>(c);
      if (t.size() != 3 || !py::isinstance<py::str>(t[0]) || !py::isinstance<py::str>(t[1]))
        throw py::type_error(path + ": a condition tuple is (field, op, value)");
      out.push_back(condition(t[0].cast<std::string>(), t[1].cast<std::string>().c_str(),
                              to_json(t[2], (path + "[2]").c_str())));
    } else {
      out.push_back(to_json(c, path.c_str()));  // the document's form; the library checks it
    }
  }
  return out;
}

/// The sort argument → the document's "sort": a field name ("-name" for descending), a list of
/// those, dicts {"field", "desc"} or tuples (field, desc).
Json make_sort(py::handle sort) {
  Json out = Json::array();
  auto one = [&](py::handle k, const std::string& path) {
    if (py::isinstance<py::str>(k)) {
      auto name = k.cast<std::string>();
      const bool desc = !name.empty() && name[0] == '-';
      if (desc) name.erase(0, 1);
      out.push_back(Json{{"field", name}, {"desc", desc}});
    } else if (py::isinstance<py::tuple>(k)) {
      auto t = py::reinterpret_borrow<py::tuple>(k);
      if (t.size() != 2 || !py::isinstance<py::str>(t[0]) || !py::isinstance<py::bool_>(t[1]))
        throw py::type_error(path + ": a sort tuple is (field, descending: bool)");
      out.push_back(Json{{"field", t[0].cast<std::string>()}, {"desc", t[1].cast<bool>()}});
    } else {
      out.push_back(to_json(k, path.c_str()));
    }
  };
  if (py::isinstance<py::str>(sort)) {
    one(sort, "sort");
    return out;
  }
  if (!py::isinstance<py::list>(sort) && !py::isinstance<py::tuple>(sort))
    throw py::type_error("sort is a field name or a list of them (\"-name\" for descending)");
  size_t i = 0;
  for (py::handle k : sort) one(k, "sort[" + std::to_string(i++) + "]");
  return out;
}

// ---- columns (Cursor.to_pandas) ----------------------------------------------------------------

/// A numpy array holding a copy of a vector.
template <class T>
py::array_t<T> numpy_of(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  if (!v.empty()) std::memcpy(a.mutable_data(), v.data(), v.size() * sizeof(T));
  return a;
}

/// The missing-value mask of a column: True where it has no value.
py::array_t<bool> mask_of(const clmis::Column& c) {
  py::array_t<bool> a(static_cast<py::ssize_t>(c.size()));
  bool* m = a.mutable_data();
  for (size_t i = 0; i < c.size(); ++i) m[i] = c.valid[i] == 0;
  return a;
}

/// A numpy object array of n values made by make(i) (None where the column has no value).
template <class Make>
py::array objects_of(const clmis::Column& c, Make make) {
  py::array a(py::dtype("O"), std::vector<py::ssize_t>{static_cast<py::ssize_t>(c.size())},
              static_cast<const void*>(nullptr));
  auto** data = static_cast<PyObject**>(a.mutable_data());
  for (size_t i = 0; i < c.size(); ++i) {
    py::object o = c.valid[i] ? make(i) : py::none();
    Py_XDECREF(data[i]);  // a new object array holds None (or NULL)
    data[i] = o.release().ptr();
  }
  return a;
}

/// A ColumnSet → [(name, type, a, b)] for clmis._pandas: numbers as numpy arrays (a: values,
/// b: the mask), codes as (a: int32 codes, b: categories), the other types as a numpy object
/// array of Python values (a; b None). Types are the schema's names ("section" too).
py::list columns_to_python(const clmis::ColumnSet& cs, const TypeSpec* spec) {
  using clmis::ColumnType;
  py::list out;
  for (const auto& c : cs.columns) {
    // An ordered code column is an age_group (its categories: AGE_GROUPS, youngest first).
    const std::string type = c.type == ColumnType::code && c.ordered ? kind_name(Kind::age_group)
                                                                      : std::string(clmis::to_string(c.type));
    py::object a = py::none(), b = py::none();
    switch (c.type) {
      case ColumnType::integer: case ColumnType::reference: case ColumnType::date: case ColumnType::datetime:
        a = numpy_of(c.ints);
        b = mask_of(c);
        break;
      case ColumnType::boolean: {
        py::array_t<bool> v(static_cast<py::ssize_t>(c.size()));
        bool* d = v.mutable_data();
        for (size_t i = 0; i < c.size(); ++i) d[i] = c.ints[i] != 0;
        a = std::move(v);
        b = mask_of(c);
        break;
      }
      case ColumnType::code: {
        a = numpy_of(c.codes);
        py::list cats(c.categories.size());
        for (size_t k = 0; k < c.categories.size(); ++k) cats[k] = text(c.categories[k]);
        b = std::move(cats);
        break;
      }
      case ColumnType::text:
        a = objects_of(c, [&](size_t i) -> py::object {
          const auto v = c.text_at(i);
          PyObject* o = PyUnicode_DecodeUTF8(v.data(), static_cast<Py_ssize_t>(v.size()), "replace");
          if (!o) throw py::error_already_set();
          return py::reinterpret_steal<py::object>(o);
        });
        break;
      case ColumnType::decimal:
        a = objects_of(c, [&](size_t i) { return decimal_from_text(clmis::Decimal{c.ints[i], c.scale}.str()); });
        break;
      case ColumnType::money: {
        std::vector<int> digits;
        for (const auto& cur : c.categories) digits.push_back(clmis::currency_minor_digits(cur).value_or(2));
        a = objects_of(c, [&](size_t i) -> py::object {
          if (c.codes[i] < 0) return py::none();  // an amount without its currency (not written by clmis)
          const auto k = static_cast<size_t>(c.codes[i]);
          return money_from(decimal_from_text(clmis::Decimal{c.ints[i], digits[k]}.str()), c.categories[k]);
        });
        break;
      }
      case ColumnType::section: {
        const Column* col = spec ? spec->find(c.name) : nullptr;
        const TypeSpec* entry = col ? col->entry.get() : nullptr;
        a = objects_of(c, [&](size_t i) -> py::object {
          const Json& items = c.items[i];
          py::list entries(items.size());
          for (size_t k = 0; k < items.size(); ++k) entries[k] = record_from_json(items[k], entry);
          return entries;
        });
        break;
      }
    }
    out.append(py::make_tuple(c.name, type, a, b));
  }
  return out;
}

/// A query's records, fetched one page at a time with the keyset cursor ("after").
struct PyCursor {
  std::shared_ptr<PySession> session;
  std::string type;
  Json doc;                              // the query without "limit" and "after"
  int page_size = kDefaultPageSize;
  std::optional<std::int64_t> remaining;  // records still to return when a limit was given
  Json after = nullptr;
  Json page_after = nullptr;  // the "after" the records in buffer were fetched with
  bool exhausted = false;
  int pages = 0;
  py::list buffer;
  size_t pos = 0;
  bool fetching = false;  // a page is being fetched (the GIL released meanwhile)
  /// Holds `fetching` for one read: like a generator, a cursor is not advanced by another thread
  /// while it waits for its page.
  struct Fetching {
    bool& flag;
    explicit Fetching(bool& f) : flag(f) {
      if (flag) throw py::value_error("the cursor is already fetching a page in another thread");
      flag = true;
    }
    ~Fetching() { flag = false; }
    Fetching(const Fetching&) = delete;
    Fetching& operator=(const Fetching&) = delete;
  };

  /// Fetches the next page into buffer; false when there is none.
  bool fetch() {
    if (exhausted) return false;
    // Like a generator: another thread may not advance the cursor while it waits for a page.
    const Fetching busy(fetching);
    Json q = doc;
    // A limit of 0 still runs the query once (so that a bad filter is reported), for nothing.
    const bool empty = remaining && *remaining == 0;
    q["limit"] = remaining && !empty ? std::min<std::int64_t>(page_size, *remaining)
                 : empty         ? 1
                                 : page_size;
    if (!after.is_null()) q["after"] = after;
    Json page = session->read([&](clmis::Session& s) { return s.query(type, q); });
    page_after = after;
    ++pages;
    const TypeSpec* spec = session->spec(type);
    const Json& records = page["records"];
    py::list converted(empty ? 0 : records.size());
    if (!empty)
      for (size_t i = 0; i < records.size(); ++i) converted[i] = record_from_json(records[i], spec);
    buffer = std::move(converted);
    pos = 0;
    after = page["next"];
    if (after.is_null() || empty) exhausted = true;
    return true;
  }

  py::object next() {
    while (pos >= buffer.size()) {
      if (remaining && *remaining == 0) exhausted = true;
      if (!fetch()) throw py::stop_iteration();
    }
    if (remaining) --*remaining;
    return buffer[pos++];
  }

  /// The records not yet returned, read at once as columns (columns_to_python), with only the
  /// fields named (None: all); None when the cursor stopped inside a page (then the caller
  /// takes the rest record by record). Consumes the cursor.
  py::object read_columns(const py::object& fields) {
    Json q = doc;
    if (!fields.is_none()) q["fields"] = to_json(fields, "columns");
    Json start;
    if (pos == 0) start = page_after;                  // nothing of this page returned yet
    else if (pos >= buffer.size()) start = after;      // the page returned whole
    else {
      if (!fields.is_none()) {  // the names are checked here all the same (nothing is read)
        q["limit"] = 0;
        if (!page_after.is_null()) q["after"] = page_after;
        session->read([&](clmis::Session& s) { return s.read_columns(type, q); });
      }
      return py::none();
    }
    const bool nothing_left = (pos > 0 && exhausted) || (remaining && *remaining == 0);
    if (nothing_left) q["limit"] = 0;                  // still checks the query and the fields
    else if (remaining) q["limit"] = *remaining;
    if (!start.is_null()) q["after"] = start;
    const Fetching busy(fetching);
    clmis::ColumnSet cs = session->read([&](clmis::Session& s) { return s.read_columns(type, q); });
    buffer = py::list();
    pos = 0;
    exhausted = true;
    if (remaining) *remaining = 0;
    return columns_to_python(cs, session->spec(type));
  }

  [[nodiscard]] py::list columns() const {
    py::list out;
    if (const TypeSpec* spec = session->spec(type))
      for (const auto& c : spec->columns)
        out.append(py::make_tuple(c.name, kind_name(c.kind),
                                  c.code_list.empty() ? py::object(py::none()) : py::str(c.code_list)));
    return out;
  }
};

const char* outcome_name(UpsertOutcome o) {
  switch (o) {
    case UpsertOutcome::created: return "created";
    case UpsertOutcome::updated: return "updated";
    case UpsertOutcome::unchanged: break;
  }
  return "unchanged";
}

std::string date_text(py::handle date, const char* what) {
  Json j = to_json(date, what);
  if (!j.is_string())
    throw py::type_error(std::string(what) + " is a datetime.date or a \"YYYY-MM-DD\" string");
  return j.get<std::string>();
}

/// Disclosure control's arguments into an indicator request (the engine checks their values).
void disclosure_options(Json& spec, const py::object& protect, const py::object& min_count, const py::object& p_percent,
                        const py::object& protect_secondary) {
  const Json p = to_json(protect, "protect");
  if (p != Json(false)) spec["protect"] = p;
  if (!protect_secondary.is_none()) spec["protect_secondary"] = to_json(protect_secondary, "protect_secondary");
  if (!min_count.is_none()) spec["min_count"] = to_json(min_count, "min_count");
  if (!p_percent.is_none()) spec["p_percent"] = to_json(p_percent, "p_percent");
}

/// `with session.batch():` — begin_batch on entry; at the end commit_batch, or rollback_batch
/// when the block raised (nothing to do when the block already ended the batch itself).
struct PyBatch {
  std::shared_ptr<PySession> session;

  std::shared_ptr<PySession> enter() {
    session->read([](clmis::Session& x) { x.begin_batch(); });
    return session;
  }
  bool exit(const py::object& type, const py::object&, const py::object&) {
    const bool failed = !type.is_none();
    session->read([failed](clmis::Session& x) {
      if (!x.in_batch()) return;
      if (failed) x.rollback_batch();
      else x.commit_batch();
    });
    return false;  // the block's exception, if any, goes on
  }
};

/// A calendar day (or a proclamation's change) with its dates as datetime.date.
py::dict calendar_day(const Json& d) {
  py::dict o = typed_object(d, {{"date", Kind::date}, {"estimate", Kind::date}});
  if (d.contains("substitute_for") && d["substitute_for"].is_object())
    o["substitute_for"] = typed_object(d["substitute_for"], {{"date", Kind::date}});
  return o;
}

py::list calendar_days(const Json& days) {
  py::list out;
  for (const auto& d : days) out.append(calendar_day(d));
  return out;
}

/// A deadline of a case (Session::deadlines, deadline_explain, deadline_change), dates typed.
py::dict deadline_entry(const Json& d) {
  py::dict o = typed_object(d, {{"started", Kind::date}, {"due", Kind::date}, {"met_on", Kind::date},
                                {"cleared_on", Kind::date}, {"due_counted", Kind::date}, {"paused_since", Kind::date}});
  if (d.contains("skipped")) {
    py::list skipped;
    for (const auto& k : d["skipped"]) skipped.append(typed_object(k, {{"date", Kind::date}}));
    o["skipped"] = skipped;
  }
  if (d.contains("events")) {
    py::list events;
    for (const auto& e : d["events"]) events.append(typed_object(e, {{"date", Kind::date}, {"due_before", Kind::date}}));
    o["events"] = events;
  }
  return o;
}

/// The result of a proclamation or a withdrawal, with dates typed.
py::dict calendar_change(const Json& r) {
  py::dict o = typed_object(r, {{"date", Kind::date}, {"working_days_change_from", Kind::date}});
  o["added"] = calendar_days(r["added"]);
  o["removed"] = calendar_days(r["removed"]);
  return o;
}

}  // namespace
}  // namespace clmis::python

using namespace clmis::python;
using clmis::Json;

PYBIND11_MODULE(_core, m) {
  m.doc() = "clmis._core: the compiled part of the clmis package (use `import clmis`).";
  m.attr("__version__") = CLMIS_PY_VERSION;
  init_conversions();
  register_errors(m);
  {
    py::tuple groups(clmis::age_groups().size());
    for (size_t k = 0; k < clmis::age_groups().size(); ++k) groups[k] = py::str(clmis::age_groups()[k]);
    m.attr("AGE_GROUPS") = groups;  // the values of a record's "age_group", youngest first
  }

  // ---- Database ----------------------------------------------------------------------------------
  py::class_<PyDatabase>(m, "Database", "An open National Labour Administration Database (one SQLite file).")
      .def_property_readonly("path", [](const PyDatabase& d) { return d.st->path; },
                             "The path the database was opened from.")
      .def_property_readonly("closed", [](const PyDatabase& d) { return d.st->closed.load(); },
                             "True after close().")
      .def(
          "files", [](const PyDatabase& d) { return released([&] { return d.st->db.files(); }); },
          "The files that make up the database: the file, its -wal, -shm and -journal (which may not "
          "exist at a given moment) and its audit key file. clmis writes no export or backup over them.")
      .def(
          "login",
          [](const PyDatabase& d, const std::string& user, const std::string& password) {
            auto st = d.st;
            clmis::Session s = released([&] { return st->db.login(user, password); });
            return std::make_shared<PySession>(std::move(st), std::move(s));
          },
          py::arg("user"), py::arg("password"),
          "Authenticates and returns a Session (AuthError on a wrong user or password). A password "
          "check takes tens of milliseconds: log in once and keep the session.")
      .def(
          "login_service",
          [](const PyDatabase& d, const std::string& key, const std::string& user) {
            auto st = d.st;
            clmis::Session s = released([&] { return st->db.login_service(key, user); });
            return std::make_shared<PySession>(std::move(st), std::move(s));
          },
          py::arg("key"), py::arg("user"),
          "A session on behalf of user through a service key (Session.service_key_create), for a "
          "system that authenticates its own staff. It holds the roles both the user and the key "
          "have. AuthError for an unknown, revoked or expired key, or an unknown, inactive or "
          "locked user.")
      .def(
          "schema",
          [](const PyDatabase& d) {
            Json s = released([&] { return d.st->db.schema(); });
            return from_json(s);
          },
          "The schema in force: pack, country, record_types (fields, sections, workflow), "
          "code_lists, as a dict.")
      .def(
          "codes",
          [](const PyDatabase& d, const std::string& list, std::optional<std::string> lang) {
            Json c = released([&] { return d.st->db.codes(list, lang.value_or("")); });
            return from_json(c);
          },
          py::arg("list"), py::arg("lang") = py::none(),
          "The codes of a code list in declared order: [{code, label, parent, level, active}], "
          "labels in lang (default: the country's first language). NotFound for an unknown list.")
      .def(
          "profile_check",
          [](const PyDatabase& d) { return from_json(released([&] { return d.st->db.profile_check(); })); },
          "What the country profile leaves missing or not yet verified (`clmis profile check`): "
          "{country, name, missing, unverified, legal, holidays, deadlines, department}, each group "
          "a list of {parameter, status: 'missing' | 'unverified', ...}.")
      .def(
          "today",
          [](const PyDatabase& d) {
            const std::string t = released([&] { return d.st->db.today(); });
            return value_from_json(Json(t), Kind::date);
          },
          "Today (datetime.date) in the country's time zone, by the database's clock.")
      .def(
          "calendar",
          [](const PyDatabase& d, int year, std::optional<std::string> lang) {
            const Json r = released([&] { return d.st->db.calendar(year, lang.value_or("")); });
            return calendar_days(r);
          },
          py::arg("year"), py::arg("lang") = py::none(),
          "The country's public holidays of a year (docs/calendars.md): [{date, weekday, name, kind "
          "(holiday, substitute, special), rule, status (computed, proclaimed, estimate), statutory, "
          "day_off, source, entered, substitute_for?}], names in lang (default: the country's first "
          "language). NotFound if the profile has no calendar.")
      .def(
          "add_days",
          [](const PyDatabase& d, const py::object& from, int days, bool working, bool explain) -> py::object {
            const std::string f = date_text(from, "from");
            const Json r = released([&] { return d.st->db.add_days(f, days, working, explain); });
            if (!explain) return value_from_json(r["date"], Kind::date);
            py::dict o = typed_object(r, {{"from", Kind::date}, {"date", Kind::date}});
            py::list skipped;
            for (const auto& k : r["skipped"]) skipped.append(typed_object(k, {{"date", Kind::date}}));
            o["skipped"] = skipped;
            return o;
          },
          py::arg("from_date"), py::arg("days"), py::kw_only(), py::arg("working") = true,
          py::arg("explain") = false,
          "from_date + days: working days (weekends and days off skipped) by default, else calendar "
          "days (moved to the next working day when the country's deadlines roll forward). Returns "
          "the date, or with explain=True a dict {from, days, working, date, skipped: [{date, "
          "reasons}]} naming every day skipped and why.")
      .def(
          "working_days",
          [](const PyDatabase& d, const py::object& from, const py::object& to) {
            const std::string f = date_text(from, "from_date"), t = date_text(to, "to_date");
            const Json r = released([&] { return d.st->db.working_days(f, t); });
            return r["working_days"].get<std::int64_t>();
          },
          py::arg("from_date"), py::arg("to_date"),
          "The working days d with from_date < d <= to_date (negative when to_date is earlier).")
      .def(
          "add_hours",
          [](const PyDatabase& d, const py::object& from, int hours) {
            const Json f = to_json(from, "from_time");
            if (!f.is_string()) throw py::type_error("from_time is an aware datetime.datetime");
            const std::string r = released([&] { return d.st->db.add_hours(f.get<std::string>(), hours); });
            return value_from_json(Json(r), Kind::datetime);
          },
          py::arg("from_time"), py::arg("hours"),
          "A time limit in hours, counted in calendar time: from_time + hours (an aware datetime).")
      .def(
          "calendar_pending",
          [](const PyDatabase& d, int year) {
            const Json r = released([&] { return d.st->db.calendar_pending(year); });
            return calendar_days(r);
          },
          py::arg("year"),
          "The holidays of a year whose date must be proclaimed and is not known yet: [{rule, name, "
          "estimate, status, source}].")
      .def(
          "close",
          [](PyDatabase& d) {
            released([&] { d.st->db.close(); });
            d.st->closed = true;
          },
          "Closes the database now; its sessions raise Misuse afterwards. Idempotent.")
      .def("__enter__", [](PyDatabase& d) -> PyDatabase& { return d; })
      .def("__exit__",
           [](PyDatabase& d, const py::object&, const py::object&, const py::object&) {
             released([&] { d.st->db.close(); });
             d.st->closed = true;
             return false;
           })
      .def("__repr__", [](const PyDatabase& d) {
        return "<clmis.Database " + py::repr(py::str(d.st->path)).cast<std::string>() +
               (d.st->closed ? " closed>" : ">");
      });

  m.def(
      "restore",
      [](const std::filesystem::path& backup, const std::filesystem::path& target,
         const std::optional<std::filesystem::path>& audit_key_file, bool replace) {
        clmis::RestoreOptions o;
        if (audit_key_file) o.audit_key_file = audit_key_file->string();
        o.replace = replace;
        return from_json(released([&] { return clmis::Database::restore(backup.string(), target.string(), o); }));
      },
      py::arg("backup"), py::arg("target"), py::kw_only(), py::arg("audit_key_file") = py::none(),
      py::arg("replace") = false,
      "Verifies a backup with its key (integrity, key, audit chain) and copies it and its key to target.");

  m.def(
      "profile_check",
      [](const std::string& country, const std::optional<std::filesystem::path>& data_dir) {
        return from_json(released([&] {
          return clmis::Database::profile_check_country(country, data_dir ? data_dir->string() : "");
        }));
      },
      py::arg("country"), py::kw_only(), py::arg("data_dir") = py::none(),
      "Database.profile_check for a country profile before any database is made (the profiles "
      "built in, or under data_dir). NotFound for a country without a profile.");

  m.def(
      "check_files",
      [](const std::filesystem::path& path, const std::optional<std::filesystem::path>& audit_key_file) {
        return from_json(released([&] {
          return clmis::Database::check_files(path.string(), audit_key_file ? audit_key_file->string() : "");
        }));
      },
      py::arg("path"), py::kw_only(), py::arg("audit_key_file") = py::none(),
      "The permissions of a database's files and whether its audit key is there and private, without "
      "opening it (for a database that will not open): {\"ok\", \"files\": [...]}.");

  m.def(
      "create",
      [](const std::filesystem::path& path, const std::string& country,
         const std::string& admin_password, const std::string& admin_user,
         const std::optional<std::filesystem::path>& data_dir,
         const std::optional<std::filesystem::path>& audit_key_file, const std::optional<std::string>& audit_key,
         const py::object& clock) {
        clmis::InitOptions o;
        o.clock = python_clock(clock);
        o.country = country;
        o.admin_password = admin_password;
        o.admin_user = admin_user;
        if (data_dir) o.data_dir = fspath(*data_dir);
        if (audit_key_file) o.audit_key_file = fspath(*audit_key_file);
        if (audit_key) o.audit_key = *audit_key;
        const std::string p = fspath(path);
        return make_database([&] { return clmis::Database::init(p, o); });
      },
      py::arg("path"), py::kw_only(), py::arg("country"), py::arg("admin_password"),
      py::arg("admin_user") = "admin", py::arg("data_dir") = py::none(),
      py::arg("audit_key_file") = py::none(), py::arg("audit_key") = py::none(), py::arg("clock") = py::none(),
      "Creates a new database at path with the standard pack, the country's profile (ISO 3166 "
      "alpha-3, e.g. \"KNA\") and the administrator; returns it open. AlreadyExists if the file "
      "exists (it is left untouched). The audit trail's key goes to a new owner-only file "
      "(audit_key_file, default path + \".key\"), or is given as 64 hex digits (audit_key). "
      "clock: as for open().");

  m.def(
      "open",
      [](const std::filesystem::path& path, int busy_timeout_ms,
         const std::optional<std::filesystem::path>& data_dir, bool upgrade,
         const std::optional<std::filesystem::path>& audit_key_file, const std::optional<std::string>& audit_key,
         const py::object& clock) {
        clmis::OpenOptions o;
        o.clock = python_clock(clock);
        o.busy_timeout_ms = busy_timeout_ms;
        if (data_dir) o.data_dir = fspath(*data_dir);
        o.upgrade = upgrade;
        if (audit_key_file) o.audit_key_file = fspath(*audit_key_file);
        if (audit_key) o.audit_key = *audit_key;
        const std::string p = fspath(path);
        return make_database([&] { return clmis::Database::open(p, o); });
      },
      py::arg("path"), py::kw_only(), py::arg("busy_timeout_ms") = 5000,
      py::arg("data_dir") = py::none(), py::arg("upgrade") = false,
      py::arg("audit_key_file") = py::none(), py::arg("audit_key") = py::none(), py::arg("clock") = py::none(),
      "Opens an existing database (NotFound if there is no file). Use it as a context manager: "
      "`with clmis.open(path) as db:` closes it at the end of the block. clock: a callable "
      "returning the current time as an int of UTC seconds or an aware datetime, which every "
      "timestamp, today, lockout and key expiry read (default: the system clock); for tests and "
      "simulations.");

  // ---- Cursor ------------------------------------------------------------------------------------
  py::class_<PyCursor, std::shared_ptr<PyCursor>>(
      m, "Cursor", "The records of a query, fetched lazily one page at a time (keyset paging).")
      .def("__iter__", [](std::shared_ptr<PyCursor> c) { return c; })
      .def("__next__", &PyCursor::next)
      .def_property_readonly("record_type", [](const PyCursor& c) { return c.type; })
      .def_property_readonly("pages", [](const PyCursor& c) { return c.pages; },
                             "How many pages have been fetched so far.")
      .def_property_readonly("page_size", [](const PyCursor& c) { return c.page_size; })
      .def_property_readonly("columns", &PyCursor::columns,
                             "The record's columns in order: (name, type, code_list) tuples; "
                             "type is a field type, \"section\", or \"age_group\" (after a birth "
                             "date: one of clmis.AGE_GROUPS).")
      .def_property_readonly("session", [](const PyCursor& c) { return c.session; })
      .def("_read_columns", &PyCursor::read_columns, py::arg("fields") = py::none(),
           "For clmis._pandas: the records not yet returned as columns, or None when the cursor "
           "stopped inside a page.")
      .def(
          "to_pandas",
          [](py::object self, const py::object& columns, const std::string& dates, const std::string& codes) {
            return py::module_::import("clmis._pandas")
                .attr("cursor_to_pandas")(self, py::arg("columns") = columns, py::arg("dates") = dates,
                                          py::arg("codes") = codes);
          },
          py::kw_only(), py::arg("columns") = py::none(), py::arg("dates") = "datetime64",
          py::arg("codes") = "category",
          "The records not yet iterated, as a pandas DataFrame with one dtype per field type "
          "(see docs/python.md); columns: the fields to take, in that order (default: every "
          "system field, field and section). Needs pandas.")
      .def("__repr__", [](const PyCursor& c) {
        return "<clmis.Cursor " + c.type + " pages=" + std::to_string(c.pages) +
               (c.exhausted && c.pos >= c.buffer.size() ? " exhausted>" : ">");
      });

  // ---- Batch (with session.batch():) -------------------------------------------------------------
  py::class_<PyBatch>(m, "Batch",
                      "A context manager for one write transaction (Session.batch() without a function).")
      .def("__enter__", &PyBatch::enter)
      .def("__exit__", &PyBatch::exit);

  // ---- Session -----------------------------------------------------------------------------------
  using SessionPtr = std::shared_ptr<PySession>;
  py::class_<PySession, SessionPtr>(
      m, "Session",
      "A user working on a database; every read and write goes through one (Database.login).")
      .def_property_readonly("user", [](PySession& s) { return s.handle().user(); })
      .def_property_readonly("database", [](const PySession& s) { return PyDatabase{s.st}; },
                             "The database of this session.")
      .def(
          "create",
          [](PySession& s, const std::string& type, const py::object& record) {
            const Json j = to_json(record, "record");
            return s.write([&](clmis::Session& x) { return x.create(type, j); });
          },
          py::arg("type"), py::arg("record"), "Creates a record from a dict; returns its id.")
      .def(
          "get",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.get(type, id); });
            return record_from_json(r, s.spec(type));
          },
          py::arg("type"), py::arg("id"),
          "Reads a record: system fields, fields in declared order, sections as lists of dicts.")
      .def(
          "update",
          [](PySession& s, const std::string& type, std::int64_t id, std::int64_t version,
             const py::object& changes) {
            const Json j = to_json(changes, "changes");
            return s.write([&](clmis::Session& x) { return x.update(type, id, version, j); });
          },
          py::arg("type"), py::arg("id"), py::arg("version"), py::arg("changes"),
          "Sets the fields given (None clears; a section replaces the section) on the version "
          "read; returns the new version. Conflict on a stale version.")
      .def(
          "archive",
          [](PySession& s, const std::string& type, std::int64_t id, std::int64_t version,
             const std::string& reason) {
            s.read([&](clmis::Session& x) { x.archive(type, id, version, reason); });
          },
          py::arg("type"), py::arg("id"), py::arg("version"), py::arg("reason"),
          "Archives the record (the seed's Delete) with a required reason.")
      .def(
          "upsert",
          [](PySession& s, const std::string& type, const std::string& external_id,
             const py::object& record) {
            const Json j = to_json(record, "record");
            const auto r = s.write([&](clmis::Session& x) { return x.upsert(type, external_id, j); });
            return py::make_tuple(r.id, outcome_name(r.outcome));
          },
          py::arg("type"), py::arg("external_id"), py::arg("record"),
          "Creates or updates the record with this external_id; returns (id, outcome), outcome "
          "being \"created\", \"updated\" or \"unchanged\".")
      .def(
          "query",
          [](const SessionPtr& s, const std::string& type, const py::object& filter,
             const py::object& sort, std::optional<std::int64_t> limit, bool include_archived,
             int page_size, const py::object& as_of) {
            if (limit && *limit < 0) throw py::value_error("limit is None or at least 0");
            if (page_size < 1 || page_size > kMaxPageSize)
              throw py::value_error("page_size is from 1 to 1000");
            auto c = std::make_shared<PyCursor>();
            c->session = s;
            c->type = type;
            c->page_size = page_size;
            c->remaining = limit;
            c->doc = Json::object();
            if (!filter.is_none()) c->doc["filter"] = make_filter(filter);
            if (!sort.is_none()) c->doc["sort"] = make_sort(sort);
            if (include_archived) c->doc["include_archived"] = true;
            // Checked by the library (ValidationError, path "as_of"), like the rest of the query.
            if (!as_of.is_none()) c->doc["as_of"] = to_json(as_of, "as_of");
            c->fetch();  // the first page now: a bad query raises here, not at the first next()
            return c;
          },
          py::arg("type"), py::arg("filter") = py::none(), py::arg("sort") = py::none(),
          py::arg("limit") = py::none(), py::arg("include_archived") = false, py::kw_only(),
          py::arg("page_size") = kDefaultPageSize, py::arg("as_of") = py::none(),
          "Records of a type matching filter, in sort order (then by id), at most limit of them; "
          "returns a Cursor that fetches page_size records at a time. as_of (datetime.date or "
          "\"YYYY-MM-DD\"; default today): the date of the records' age_group.")
      .def(
          "changes_since",
          [](PySession& s, std::int64_t since_seq, int limit) {
            const Json r = s.read([&](clmis::Session& x) { return x.changes_since(since_seq, limit); });
            py::list changes;
            if (r.contains("changes"))
              for (const auto& c : r["changes"]) changes.append(typed_object(c, {{"at", Kind::datetime}}));
            py::dict out;
            out["changes"] = changes;
            out["last_seq"] = from_json(r.value("last_seq", Json(since_seq)));
            return out;
          },
          py::arg("since_seq"), py::arg("limit") = 1000,
          "Committed changes with seq > since_seq, oldest first: {\"changes\": [{seq, "
          "record_type, id, op, version, at, by}], \"last_seq\": n}.")
      .def(
          "transition",
          // transition(type, id, version, name, /, effective_date=None, **fields), parsed by hand:
          // pybind11 2.10 does not hand a keyword named like a positional-only parameter to
          // **kwargs, and a transition's fields may be called "name" or "type".
          [](PySession& s, const py::args& a, const py::kwargs& kw) {
            if (a.size() < 4 || a.size() > 5)
              throw py::type_error(
                  "transition(type, id, version, name, /, effective_date=None, **fields) takes 4 "
                  "or 5 positional arguments, " + std::to_string(a.size()) + " given");
            const auto type = a[0].cast<std::string>();
            const auto id = a[1].cast<std::int64_t>();
            const auto version = a[2].cast<std::int64_t>();
            const auto name = a[3].cast<std::string>();
            py::dict fields;
            py::object effective_date = a.size() == 5 ? py::object(a[4]) : py::object(py::none());
            for (auto item : kw) {
              if (py::str(item.first).cast<std::string>() == "effective_date") {
                if (a.size() == 5)
                  throw py::type_error("transition() got effective_date twice");
                effective_date = py::reinterpret_borrow<py::object>(item.second);
              } else {
                fields[item.first] = item.second;
              }
            }
            Json args = Json::object();
            if (!effective_date.is_none()) args["effective_date"] = to_json(effective_date, "effective_date");
            if (!fields.empty()) args["fields"] = to_json(fields, "fields");
            return s.write([&](clmis::Session& x) { return x.transition(type, id, version, name, args); });
          },
          "transition(type, id, version, name, /, effective_date=None, **fields) -> int\n\n"
          "Moves the record through the named transition (effective_date: a date, default "
          "today; the transition's fields as keyword arguments); returns the new version.")
      .def(
          "proclaim",
          [](PySession& s, const py::object& date, std::optional<std::string> rule, const py::object& name,
             std::optional<std::string> note) {
            Json spec = {{"date", date_text(date, "date")}};
            if (rule) spec["rule"] = *rule;
            if (!name.is_none()) spec["name"] = to_json(name, "name");
            if (note) spec["note"] = *note;
            const Json r = s.read([&](clmis::Session& x) { return x.proclaim(spec); });
            return calendar_change(r);
          },
          py::arg("date"), py::kw_only(), py::arg("rule") = py::none(), py::arg("name") = py::none(),
          py::arg("note") = py::none(),
          "Enters in the country's calendar (permission code_lists; audited) the date a holiday rule "
          "has this year (rule=), or a one-off day off (name=: a str or {lang: text}); note: the notice "
          "cited. Returns {year, date, rule or name, note, added, removed, working_days_change_from}.")
      .def(
          "withdraw_proclamation",
          [](PySession& s, std::optional<std::string> rule, std::optional<int> year, const py::object& date) {
            Json spec = Json::object();
            if (rule) spec["rule"] = *rule;
            if (year) spec["year"] = *year;
            if (!date.is_none()) spec["date"] = date_text(date, "date");
            const Json r = s.read([&](clmis::Session& x) { return x.withdraw_proclamation(spec); });
            return calendar_change(r);
          },
          py::kw_only(), py::arg("rule") = py::none(), py::arg("year") = py::none(), py::arg("date") = py::none(),
          "Withdraws an entered day: rule= and year=, or date= of a one-off day (audited; kept, "
          "marked withdrawn). Returns the changes as proclaim does.")
      .def(
          "deadlines",
          [](PySession& s, const std::string& type, std::int64_t id, const py::object& as_of) {
            const std::string d = as_of.is_none() ? std::string() : date_text(as_of, "as_of");
            const Json r = s.read([&](clmis::Session& x) { return x.deadlines(type, id, d); });
            py::list out;
            for (const auto& e : r) out.append(deadline_entry(e));
            return out;
          },
          py::arg("type"), py::arg("id"), py::kw_only(), py::arg("as_of") = py::none(),
          "The deadlines of a case in the order they started (docs/workflows.md): [{deadline, label, "
          "cycle, state (open, paused, met, cleared), started, due, unit, length, extension, met_on, "
          "cleared_on, overdue (on as_of, default today), met_late, source, verified}].")
      .def(
          "deadline_explain",
          [](PySession& s, const std::string& type, std::int64_t id, const std::string& deadline) {
            const Json r = s.read([&](clmis::Session& x) { return x.deadline_explain(type, id, deadline); });
            return deadline_entry(r);
          },
          py::arg("type"), py::arg("id"), py::arg("deadline"),
          "How a deadline's due date was counted: its entry of deadlines() with days, due_counted, "
          "paused_since, skipped [{date, reasons}] and events [{event, date, reason?, days?}].")
      .def(
          "deadline_change",
          [](PySession& s, const std::string& type, std::int64_t id, const std::string& deadline,
             const std::string& action, std::optional<std::string> reason, std::optional<std::int64_t> days,
             const py::object& date) {
            Json change = {{"action", action}};
            if (reason) change["reason"] = *reason;
            if (days) change["days"] = *days;
            if (!date.is_none()) change["date"] = date_text(date, "date");
            const Json r = s.read([&](clmis::Session& x) { return x.deadline_change(type, id, deadline, change); });
            return deadline_entry(r);
          },
          py::arg("type"), py::arg("id"), py::arg("deadline"), py::arg("action"), py::kw_only(),
          py::arg("reason") = py::none(), py::arg("days") = py::none(), py::arg("date") = py::none(),
          "Pauses, resumes, extends (days=) or clears a running deadline of a case, with a reason "
          "(all but resume); date: default today. Audited. Returns the deadline as deadlines() lists it.")
      .def(
          "assign",
          [](PySession& s, const std::string& type, std::int64_t id, const py::object& user, const std::string& reason) {
            const std::string u = user.is_none() ? std::string() : user.cast<std::string>();
            if (!user.is_none() && u.empty()) throw py::value_error("user is a user name, or None to assign to nobody");
            return from_json(s.read([&](clmis::Session& x) { return x.assign(type, id, u, reason); }));
          },
          py::arg("type"), py::arg("id"), py::arg("user"), py::kw_only(), py::arg("reason") = "",
          "Assigns a case to an officer (user name), or to nobody (None); permission assign; audited. "
          "Returns {record_type, id, assigned_to, previous}.")
      .def(
          "link",
          [](PySession& s, const std::string& type, std::int64_t id, const std::string& to_type, std::int64_t to_id,
             const std::string& relation, const std::string& note) {
            const Json r = s.read([&](clmis::Session& x) { return x.link(type, id, to_type, to_id, relation, note); });
            return typed_object(r, {{"at", Kind::datetime}});
          },
          py::arg("type"), py::arg("id"), py::arg("to_type"), py::arg("to_id"), py::kw_only(),
          py::arg("relation") = "related", py::arg("note") = "",
          "Links a record to another (relation: a code of link_relation — related, led_to, follows, same_matter, "
          "duplicate_of). Needs update on the first and read on the second; audited. Returns the link as "
          "links() lists it.")
      .def(
          "unlink",
          [](PySession& s, std::int64_t link_id, const std::string& reason) {
            const Json r = s.read([&](clmis::Session& x) { return x.unlink(link_id, reason); });
            return typed_object(r, {{"at", Kind::datetime}});
          },
          py::arg("link_id"), py::arg("reason"),
          "Removes a link (it stays in the timelines, marked removed), with a reason; audited.")
      .def(
          "override",
          [](PySession& s, const std::string& type, std::int64_t id, std::int64_t version, const std::string& field,
             const py::object& value, const std::string& reason) {
            const Json v = to_json(value, field.c_str());
            return s.read([&](clmis::Session& x) { return x.override_value(type, id, version, field, v, reason); });
          },
          py::arg("type"), py::arg("id"), py::arg("version"), py::arg("field"), py::arg("value"), py::kw_only(),
          py::arg("reason"),
          "Overrides a computed field (days_not_worked, severance_total...) with value and a reason; the value "
          "stays until clear_override. Needs update; audited. Returns the new version.")
      .def(
          "clear_override",
          [](PySession& s, const std::string& type, std::int64_t id, std::int64_t version, const std::string& field,
             const std::string& reason) {
            return s.read([&](clmis::Session& x) { return x.clear_override(type, id, version, field, reason); });
          },
          py::arg("type"), py::arg("id"), py::arg("version"), py::arg("field"), py::kw_only(), py::arg("reason"),
          "Clears the override of a computed field: computed again from the record now; audited. Returns the "
          "version.")
      .def(
          "overrides",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.overrides(type, id); });
            py::list out;
            for (const auto& e : r) out.append(typed_object(e, {{"at", Kind::datetime}}));
            return out;
          },
          py::arg("type"), py::arg("id"),
          "The overrides of a record's computed fields, oldest first: [{field, reason, by, at, cleared?}].")
      .def(
          "series_import",
          [](PySession& s, const py::object& data, const std::string& format, const py::object& agency,
             const py::object& source, const py::object& name) {
            // A path (str or os.PathLike) is read; bytes, bytearray or memoryview are the file.
            std::string content, file_name;
            const py::object os_pathlike = py::module_::import("os").attr("PathLike");
            if (py::isinstance<py::str>(data) || py::isinstance(data, os_pathlike)) {
              const py::object path = py::module_::import("pathlib").attr("Path")(data);
              content = path.attr("read_bytes")().cast<std::string>();
              file_name = path.attr("name").cast<std::string>();
            } else if (PyObject_CheckBuffer(data.ptr())) {
              const auto b = py::reinterpret_steal<py::bytes>(PyBytes_FromObject(data.ptr()));
              if (!b) throw py::error_already_set();
              content = b.cast<std::string>();
            } else {
              throw py::type_error("data is the file's bytes (bytes, bytearray, memoryview) or a path");
            }
            Json options = {{"format", format}};
            if (!agency.is_none()) options["agency"] = agency.cast<std::string>();
            if (!source.is_none()) options["source"] = source.cast<std::string>();
            if (!name.is_none()) file_name = name.cast<std::string>();
            if (!file_name.empty()) options["name"] = file_name;
            const Json r = s.read([&](clmis::Session& x) { return x.series_import(content, options); });
            return from_json(r);
          },
          py::arg("data"), py::kw_only(), py::arg("format"), py::arg("agency") = py::none(),
          py::arg("source") = py::none(), py::arg("name") = py::none(),
          "Imports a partner agency's aggregates (format 'ilostat', 'sdmx-csv' or 'csv'): data is the file's "
          "bytes or a path. A changed observation becomes its next revision. Returns {batch, agency, format, "
          "sha256, observations, series, series_created, added, revised, unchanged}.")
      .def(
          "series",
          [](PySession& s, const py::object& indicator, const py::object& agency, const py::object& source,
             const py::object& freq, const py::object& start, const py::object& end, bool revisions) {
            Json q = Json::object();
            if (!indicator.is_none()) q["indicator"] = indicator.cast<std::string>();
            if (!agency.is_none()) q["agency"] = agency.cast<std::string>();
            if (!source.is_none()) q["source"] = source.cast<std::string>();
            if (!freq.is_none()) q["freq"] = freq.cast<std::string>();
            if (!start.is_none()) q["from"] = start.cast<std::string>();
            if (!end.is_none()) q["to"] = end.cast<std::string>();
            if (revisions) q["revisions"] = true;
            // Every page, one after another: the rows as dicts, values as decimal.Decimal.
            py::list out;
            for (;;) {
              const Json page = s.read([&](clmis::Session& x) { return x.series(q); });
              for (const auto& r : page["rows"])
                out.append(typed_object(r, {{"value", Kind::decimal}, {"cv", Kind::decimal}}));
              if (page["next"].is_null()) break;
              q["after"] = page["next"];
            }
            return out;
          },
          py::kw_only(), py::arg("indicator") = py::none(), py::arg("agency") = py::none(),
          py::arg("source") = py::none(), py::arg("freq") = py::none(), py::arg("start") = py::none(),
          py::arg("end") = py::none(), py::arg("revisions") = false,
          "The observations of the series this session reaches (the latest revision of each, or every "
          "revision with revisions=True; start and end are periods such as '2024', '2024-Q1', '2024-01'): [{series, agency, indicator, source, freq, unit_mult, unit, sex, age, eco, ocu, edu, geo, "
          "period, value (decimal.Decimal or None), status, note, sample_size, cv, revision, batch}].")
      .def(
          "links",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.links(type, id); });
            py::list out;
            for (const auto& e : r) out.append(typed_object(e, {{"at", Kind::datetime}}));
            return out;
          },
          py::arg("type"), py::arg("id"),
          "The links from and to a record, oldest first, removed ones included: [{id, relation, direction, "
          "from_type, from_id, to_type, to_id, note, by, at, removed?}].")
      .def(
          "timeline",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.timeline(type, id); });
            py::list out;
            for (const auto& e : r) out.append(typed_object(e, {{"at", Kind::datetime}, {"date", Kind::date}, {"due", Kind::date}}));
            return out;
          },
          py::arg("type"), py::arg("id"),
          "Every event of a case in order: history rows, assignments and deadline events, each with at, date, "
          "event and by.")
      .def(
          "attach",
          [](PySession& s, const std::string& type, std::int64_t id, const py::object& data, const py::object& name,
             const py::object& media_type, const py::object& note) {
            // A path (str or os.PathLike) is read; bytes, bytearray or memoryview are the content.
            std::string content, file_name;
            const py::object os_pathlike = py::module_::import("os").attr("PathLike");
            if (py::isinstance<py::str>(data) || py::isinstance(data, os_pathlike)) {
              const py::object path = py::module_::import("pathlib").attr("Path")(data);
              content = path.attr("read_bytes")().cast<std::string>();
              file_name = path.attr("name").cast<std::string>();
            } else if (PyObject_CheckBuffer(data.ptr())) {
              const auto b = py::reinterpret_steal<py::bytes>(PyBytes_FromObject(data.ptr()));
              if (!b) throw py::error_already_set();
              content = b.cast<std::string>();
            } else {
              throw py::type_error("data is the document's bytes (bytes, bytearray, memoryview) or a path");
            }
            if (!name.is_none()) file_name = name.cast<std::string>();
            const std::string mt = media_type.is_none() ? std::string() : media_type.cast<std::string>();
            const std::string n = note.is_none() ? std::string() : note.cast<std::string>();
            const Json r = s.read([&](clmis::Session& x) { return x.attach(type, id, file_name, content, mt, n); });
            return typed_object(r, {{"at", Kind::datetime}, {"withdrawn_at", Kind::datetime}});
          },
          py::arg("type"), py::arg("id"), py::arg("data"), py::kw_only(), py::arg("name") = py::none(),
          py::arg("media_type") = py::none(), py::arg("note") = py::none(),
          "Attaches a document to a record: data is its bytes or a path to read (name defaults to the "
          "file's name; with bytes, name= is required). The media type is recognised from the content "
          "and must be allowed (media_type=, if given, must agree); size within the limit (10 MiB by "
          "default). Permission update on the record; audited. Returns the document as documents() "
          "lists it. ValidationError for a bad name or note, empty content, over the limit, a type not "
          "allowed or not the one declared; NotFound; Conflict for an archived record.")
      .def(
          "documents",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.documents(type, id); });
            py::list out;
            for (const auto& d : r) out.append(typed_object(d, {{"at", Kind::datetime}, {"withdrawn_at", Kind::datetime}}));
            return out;
          },
          py::arg("type"), py::arg("id"),
          "The documents of a record, oldest first, without content (attachments and letters, withdrawn "
          "ones included): [{id, record_type, record_id, kind, name, media_type, size, sha256, lang, note, "
          "at, by, withdrawn, withdrawn_at, withdrawn_by, withdrawn_reason}]. Permission read on the record.")
      .def(
          "document_content",
          [](PySession& s, std::int64_t document_id) {
            const std::string bytes = s.read([&](clmis::Session& x) { return x.document_content(document_id); });
            return py::bytes(bytes);
          },
          py::arg("document_id"),
          "The bytes of a document. Permission read on its record (PermissionDenied otherwise); NotFound "
          "for an unknown id.")
      .def(
          "withdraw_document",
          [](PySession& s, std::int64_t document_id, const std::string& reason) {
            const Json r = s.read([&](clmis::Session& x) { return x.withdraw_document(document_id, reason); });
            return typed_object(r, {{"at", Kind::datetime}, {"withdrawn_at", Kind::datetime}});
          },
          py::arg("document_id"), py::arg("reason"),
          "Withdraws a document filed by mistake, with a reason: it stays with its bytes, marked withdrawn. "
          "Permission archive on its record (supervisors); audited. Conflict if already withdrawn.")
      .def(
          "letter",
          [](PySession& s, const std::string& type, std::int64_t id, const std::string& letter,
             const std::optional<std::string>& lang, const std::string& format) {
            return from_json(
                s.read([&](clmis::Session& x) { return x.letter(type, id, letter, lang.value_or(""), format); }));
          },
          py::arg("type"), py::arg("id"), py::arg("letter"), py::arg("lang") = py::none(), py::arg("format") = "html",
          "Produces a letter of a record from the pack's template (e.g. complaint.acknowledgement) in lang (None: "
          "the profile's first language) as format html or text; stores it with the record and audits it. "
          "Returns {document_id, name, lang, format, media_type, size, sha256, content}.")
      .def(
          "assignments",
          [](PySession& s, const std::string& type, std::int64_t id) {
            return from_json(s.read([&](clmis::Session& x) { return x.assignments(type, id); }));
          },
          py::arg("type"), py::arg("id"), "The assignments of a case, oldest first: [{assigned_to, by, at, reason}].")
      .def(
          "queue",
          [](PySession& s, const py::object& types, const py::object& section, const py::object& officer, bool overdue,
             const py::object& due_within, const py::object& as_of, int limit, const py::object& cursor) {
            Json spec = {{"limit", limit}};
            if (!types.is_none()) spec["types"] = to_json(types, "types");
            if (!section.is_none()) spec["section"] = section.cast<std::string>();
            if (!officer.is_none()) spec["officer"] = officer.cast<std::string>();
            if (overdue) spec["overdue"] = true;
            if (!due_within.is_none()) spec["due_within"] = due_within.cast<std::int64_t>();
            if (!as_of.is_none()) spec["as_of"] = date_text(as_of, "as_of");
            if (!cursor.is_none()) spec["cursor"] = cursor.cast<std::string>();
            const Json r = s.read([&](clmis::Session& x) { return x.queue(spec); });
            py::dict out = typed_object(r, {{"as_of", Kind::date}});
            py::list rows;
            for (const auto& q : r["rows"]) rows.append(typed_object(q, {{"due", Kind::date}}));
            out["rows"] = rows;
            return out;
          },
          py::kw_only(), py::arg("types") = py::none(), py::arg("section") = py::none(), py::arg("officer") = py::none(),
          py::arg("overdue") = false, py::arg("due_within") = py::none(), py::arg("as_of") = py::none(),
          py::arg("limit") = 50, py::arg("cursor") = py::none(),
          "A work queue: running deadlines of cases by due date, a page at a time (docs/workflows.md): "
          "{as_of, rows: [{record_type, id, number, status, deadline, state, due, overdue, days_overdue, officer}], "
          "next_cursor}.")
      .def(
          "ageing",
          [](PySession& s, const py::object& types, const py::object& section, const py::object& as_of) {
            Json spec = Json::object();
            if (!types.is_none()) spec["types"] = to_json(types, "types");
            if (!section.is_none()) spec["section"] = section.cast<std::string>();
            if (!as_of.is_none()) spec["as_of"] = date_text(as_of, "as_of");
            const Json r = s.read([&](clmis::Session& x) { return x.ageing(spec); });
            return typed_object(r, {{"as_of", Kind::date}});
          },
          py::kw_only(), py::arg("types") = py::none(), py::arg("section") = py::none(), py::arg("as_of") = py::none(),
          "Open cases on a day by type, state and days since received: {as_of, bands, rows: [{record_type, state, "
          "0-30, 31-60, 61-90, over 90, total}]}.")
      .def(
          "indicators_list",
          [](PySession& s, const py::object& lang) {
            const std::string l = lang.is_none() ? std::string() : lang.cast<std::string>();
            const Json r = s.read([&](clmis::Session& x) { return x.indicators_list(l); });
            return from_json(r["indicators"]);
          },
          py::kw_only(), py::arg("lang") = py::none(),
          "The indicator package in force: [{id, group, name, kind, unit, multiplier, decimals, rounding, "
          "dimensions, periodicity, agency, ilostat, metadata, version, from_profile}] (docs/indicators.md).")
      .def(
          "indicators",
          [](PySession& s, const py::object& ids, const py::object& period, const py::object& freq, const py::object& by,
             const py::object& protect, const py::object& min_count, const py::object& p_percent,
             const py::object& protect_secondary) {
            Json spec = Json::object();
            if (!ids.is_none()) spec["indicators"] = to_json(ids, "indicators");
            spec["period"] = to_json(period, "period");
            if (!freq.is_none()) spec["freq"] = to_json(freq, "freq");
            if (!by.is_none()) spec["by"] = to_json(by, "by");
            disclosure_options(spec, protect, min_count, p_percent, protect_secondary);
            const Json r = s.read([&](clmis::Session& x) { return x.indicators(spec); });
            const py::object fraction = py::module_::import("fractions").attr("Fraction");
            py::list out;
            for (const auto& o : r["observations"]) {
              py::dict d = typed_object(o, {});
              d["value"] = o["value"].is_null() ? py::object(py::none()) : decimal_from_text(o["value"].get<std::string>());
              for (const char* k : {"numerator", "denominator"})
                d[k] = o[k].is_null() ? py::object(py::none()) : fraction(o[k].get<std::string>());
              out.append(d);
            }
            return out;
          },
          py::arg("indicators") = py::none(), py::kw_only(), py::arg("period"), py::arg("freq") = py::none(),
          py::arg("by") = py::none(), py::arg("protect") = false, py::arg("min_count") = py::none(),
          py::arg("p_percent") = py::none(), py::arg("protect_secondary") = py::none(),
          "Computes indicators for a period (\"2024\", \"2024-Q1\", \"2024-01\", \"2020..2024\"), split by freq "
          "(year, quarter, month), by dimensions (sex, age, geo, eco, ocu, edu: each alone and sex x each other): "
          "[{indicator, version, period, freq, cell, value (decimal.Decimal, rounded once), status, numerator, "
          "denominator (fractions.Fraction, exact), records, note}]. protect=True applies disclosure control "
          "(unsafe cells status Q, no value; min_count default 3, p_percent default 10; protect_secondary=False gives "
          "protection intervals to the primary cells only). indicators_frame() gives "
          "a DataFrame.")
      .def(
          "_stock",
          [](PySession& s, const std::string& type, const py::object& date, const py::object& states, const py::object& by) {
            Json spec = {{"type", type}, {"date", date_text(date, "date")}};
            if (!states.is_none()) spec["states"] = to_json(states, "states");
            if (!by.is_none()) spec["by"] = to_json(by, "by");
            return from_json(s.read([&](clmis::Session& x) { return x.stock(spec); }));
          },
          py::arg("type"), py::arg("date"), py::arg("states"), py::arg("by"), "Session.stock's table as a dict.")
      .def(
          "_flows",
          [](PySession& s, const std::string& type, const py::object& period, const py::object& into, const py::object& out_of,
             const py::object& date_field, const py::object& by) {
            Json spec = {{"type", type}, {"period", to_json(period, "period")}};
            if (!into.is_none()) spec["into"] = to_json(into, "into");
            if (!out_of.is_none()) spec["out_of"] = to_json(out_of, "out_of");
            if (!date_field.is_none()) spec["date_field"] = to_json(date_field, "date_field");
            if (!by.is_none()) spec["by"] = to_json(by, "by");
            return from_json(s.read([&](clmis::Session& x) { return x.flows(spec); }));
          },
          py::arg("type"), py::arg("period"), py::arg("into"), py::arg("out_of"), py::arg("date_field"), py::arg("by"),
          "Session.flows's table as a dict.")
      .def(
          "indicator_explain",
          [](PySession& s, const std::string& indicator, const py::object& period, const py::object& cell) {
            Json spec = {{"indicator", indicator}, {"period", to_json(period, "period")}};
            if (!cell.is_none()) spec["cell"] = to_json(cell, "cell");
            const Json r = s.read([&](clmis::Session& x) { return x.indicator_explain(spec); });
            return from_json(r);
          },
          py::arg("indicator"), py::kw_only(), py::arg("period"), py::arg("cell") = py::none(),
          "How one value was made: {indicator, version, definition, observation, queries, series}.")
      .def(
          "indicators_export",
          [](PySession& s, const std::string& format, const py::object& ids, const py::object& period,
             const py::object& freq, const py::object& by, const py::object& lang, const py::object& protect,
             const py::object& min_count, const py::object& p_percent, const py::object& protect_secondary) {
            Json spec = {{"format", format}};
            if (!ids.is_none()) spec["indicators"] = to_json(ids, "indicators");
            if (!period.is_none()) spec["period"] = to_json(period, "period");
            if (!freq.is_none()) spec["freq"] = to_json(freq, "freq");
            if (!by.is_none()) spec["by"] = to_json(by, "by");
            if (!lang.is_none()) spec["lang"] = to_json(lang, "lang");
            disclosure_options(spec, protect, min_count, p_percent, protect_secondary);
            const std::string bytes = s.read([&](clmis::Session& x) { return x.indicators_export(spec); });
            return py::bytes(bytes);
          },
          py::arg("format"), py::arg("indicators") = py::none(), py::kw_only(), py::arg("period") = py::none(),
          py::arg("freq") = py::none(), py::arg("by") = py::none(), py::arg("lang") = py::none(),
          py::arg("protect") = false, py::arg("min_count") = py::none(), py::arg("p_percent") = py::none(),
          py::arg("protect_secondary") = py::none(),
          "Indicators as the bytes of a file to send (docs/indicators.md, \"Exports\"): format sdmx-csv, "
          "sdmx-json, sdmx-structure (no period needed), ilostat, csv, json or xlsx; the other arguments as "
          "indicators(), lang for the labels.")
      .def(
          "status_counts",
          [](PySession& s, const std::string& type, const py::object& date) {
            const std::string d = date_text(date, "date");
            const Json r = s.read([&](clmis::Session& x) { return x.status_counts(type, d); });
            return typed_object(r, {{"date", Kind::date}});
          },
          py::arg("type"), py::arg("date"),
          "How many records of type were in each state on date, from the history: "
          "{\"record_type\", \"date\", \"counts\": {state: n}}.")
      .def(
          "history",
          [](PySession& s, const std::string& type, std::int64_t id) {
            const Json r = s.read([&](clmis::Session& x) { return x.history(type, id); });
            py::list out;
            for (const auto& row : r)
              out.append(typed_object(row, {{"effective_date", Kind::date}, {"at", Kind::datetime}}));
            return out;
          },
          py::arg("type"), py::arg("id"),
          "The record's history rows, oldest first: {seq, event, field, from, to, "
          "effective_date, at, detail, by}.")
      .def_property_readonly(
          "warnings",
          [](PySession& s) {
            return from_json(s.handle().warnings());
          },
          "Warnings of the last create, update or upsert (possible duplicates): a list of dicts.")
      .def(
          "code_add",
          [](PySession& s, const std::string& list, const py::object& code) {
            const Json j = to_json(code, "code");
            s.read([&](clmis::Session& x) { x.code_add(list, j); });
          },
          py::arg("list"), py::arg("code"),
          "Table Maintenance: adds {\"code\", \"label\": {lang: text}, \"parent\"?, \"level\"?}.")
      .def(
          "code_update",
          [](PySession& s, const std::string& list, const std::string& code, const py::object& changes) {
            const Json j = to_json(changes, "changes");
            s.read([&](clmis::Session& x) { x.code_update(list, code, j); });
          },
          py::arg("list"), py::arg("code"), py::arg("changes"),
          "Relabels ({\"label\": {...}}) and/or deactivates or reactivates ({\"active\": False}).")
      .def(
          "code_delete",
          [](PySession& s, const std::string& list, const std::string& code) {
            s.read([&](clmis::Session& x) { x.code_delete(list, code); });
          },
          py::arg("list"), py::arg("code"), "Deletes a code nothing uses (Conflict otherwise).")
      .def(
          "permissions",
          [](PySession& s) { return from_json(s.read([&](clmis::Session& x) { return x.permissions(); })); },
          "What this session may do: {user, roles, section, system, record_types: {type: {action: "
          "scope}}, must_change_password, service_key}.")
      .def(
          "require",
          [](PySession& s, const std::string& type, const std::string& action) {
            s.read([&](clmis::Session& x) { x.require(type, action); });
          },
          py::arg("type"), py::arg("action"),
          "Raises PermissionDenied (logged) unless the session may do action on records of type.")
      .def(
          "users", [](PySession& s) { return from_json(s.read([&](clmis::Session& x) { return x.users(); })); },
          "Accounts (permission \"users\"): a list of dicts.")
      .def(
          "user_create",
          [](PySession& s, const std::string& name, const std::string& password, const std::vector<std::string>& roles,
             const std::optional<std::string>& section, bool must_change_password,
             const std::optional<std::string>& agency) {
            Json spec = {{"name", name}, {"password", password}, {"roles", roles},
                         {"must_change_password", must_change_password}};
            if (section) spec["section"] = *section;
            if (agency) spec["agency"] = *agency;
            return s.read([&](clmis::Session& x) { return x.user_create(spec); });
          },
          py::arg("name"), py::kw_only(), py::arg("password"), py::arg("roles"), py::arg("section") = py::none(),
          py::arg("must_change_password") = true, py::arg("agency") = py::none(),
          "Creates an account; returns its id. The password follows the country's policy; a partner agency's "
          "user names its agency (agency='NSO').")
      .def(
          "user_update",
          [](PySession& s, const std::string& name, const py::kwargs& changes) {
            const Json j = to_json(changes, "changes");
            s.read([&](clmis::Session& x) { x.user_update(name, j); });
          },
          py::arg("name"),
          "Changes an account: roles=[...], section=..., active=False/True, locked=False (unlock), agency=...")
      .def(
          "user_reset_password",
          [](PySession& s, const std::string& name, const std::string& password) {
            s.read([&](clmis::Session& x) { x.user_reset_password(name, password); });
          },
          py::arg("name"), py::arg("password"), "A new password the user must change at the next login.")
      .def(
          "change_password",
          [](PySession& s, const std::string& old_password, const std::string& new_password) {
            s.read([&](clmis::Session& x) { x.change_password(old_password, new_password); });
          },
          py::arg("old_password"), py::arg("new_password"), "Your Account: changes this session's own password.")
      .def(
          "service_key_create",
          [](PySession& s, const std::string& name, const std::vector<std::string>& roles,
             const std::optional<std::string>& expires_at) {
            Json spec = {{"name", name}, {"roles", roles}};
            if (expires_at) spec["expires_at"] = *expires_at;
            return from_json(s.read([&](clmis::Session& x) { return x.service_key_create(spec); }));
          },
          py::arg("name"), py::kw_only(), py::arg("roles"), py::arg("expires_at") = py::none(),
          "Creates a service key: {name, key, roles, expires_at}; the key is shown this once.")
      .def(
          "service_keys",
          [](PySession& s) { return from_json(s.read([&](clmis::Session& x) { return x.service_keys(); })); },
          "The service keys, without secrets.")
      .def(
          "service_key_revoke",
          [](PySession& s, const std::string& name) { s.read([&](clmis::Session& x) { x.service_key_revoke(name); }); },
          py::arg("name"), "Revokes a key: its sessions stop at their next call.")
      .def(
          "audit_verify",
          [](PySession& s, const py::object& checkpoint) {
            const Json cp = checkpoint.is_none() ? Json(nullptr) : to_json(checkpoint, "checkpoint");
            return from_json(s.read([&](clmis::Session& x) { return x.audit_verify(cp); }));
          },
          py::arg("checkpoint") = py::none(),
          "Checks the audit trail's HMAC chain: {ok, entries, head, first_bad, problems, checkpoint}.")
      .def(
          "audit_checkpoint",
          [](PySession& s) { return from_json(s.read([&](clmis::Session& x) { return x.audit_checkpoint(); })); },
          "The head of the audit trail {count, mac, at}, to keep somewhere else.")
      .def(
          "audit_entries",
          [](PySession& s, std::int64_t after_id, int limit) {
            return from_json(s.read([&](clmis::Session& x) { return x.audit_entries(after_id, limit); }));
          },
          py::arg("after_id") = 0, py::arg("limit") = 1000, "Audit entries after after_id, oldest first.")
      .def(
          "security_log",
          [](PySession& s, std::int64_t after_id, int limit) {
            return from_json(s.read([&](clmis::Session& x) { return x.security_log(after_id, limit); }));
          },
          py::arg("after_id") = 0, py::arg("limit") = 1000, "Refusals, failed logins and lockouts.")
      .def(
          "backup",
          [](PySession& s, const std::filesystem::path& path, bool replace) {
            return from_json(s.read([&](clmis::Session& x) { return x.backup(path.string(), replace); }));
          },
          py::arg("path"), py::kw_only(), py::arg("replace") = false,
          "An online, verified backup of the database to path, with its audit key at path + \".key\" "
          "(permission \"backup\"). Writers in other programs go on meanwhile.")
      .def(
          "check",
          [](PySession& s, std::size_t max_problems) {
            return from_json(s.read([&](clmis::Session& x) { return x.check(max_problems); }));
          },
          py::arg("max_problems") = 1000,
          "The state of the database (permission \"audit\"; what `clmis check` prints): files, integrity, "
          "the audit chain and the records holding values today's rules refuse. Changes nothing.")
      .def(
          "batch",
          [](const SessionPtr& s, const py::object& fn) -> py::object {
            if (fn.is_none()) return py::cast(PyBatch{s});
            py::object result;
            s->read([&](clmis::Session& x) {
              x.batch([&] {
                py::gil_scoped_acquire acquire;
                result = fn();
              });
            });
            return result;
          },
          py::arg("fn") = py::none(),
          "Calls fn() inside one write transaction: its writes through this session commit "
          "together when it returns, or none does if it raises. Returns fn's result. Without fn, "
          "a context manager doing the same for a with block: `with s.batch(): ...` "
          "(begin_batch on entry; commit_batch at the end, rollback_batch if the block raises).")
      .def(
          "begin_batch", [](PySession& s) { s.read([](clmis::Session& x) { x.begin_batch(); }); },
          "Starts one write transaction: every write of this session until commit_batch or "
          "rollback_batch joins it and commits with it, or not at all. A write refused inside "
          "it leaves nothing behind and the batch stays open. Misuse if a batch is open already. "
          "Call the session from the thread that began it until the batch ends (Misuse from "
          "another; other sessions on this database wait).")
      .def(
          "commit_batch", [](PySession& s) { s.read([](clmis::Session& x) { x.commit_batch(); }); },
          "Commits the batch begun by begin_batch (Misuse if none is open). If the commit fails "
          "the batch is rolled back and ended.")
      .def(
          "rollback_batch", [](PySession& s) { s.read([](clmis::Session& x) { x.rollback_batch(); }); },
          "Rolls back the batch begun by begin_batch: none of its writes stays (Misuse if none is open).")
      .def_property_readonly(
          "in_batch", [](PySession& s) { return s.read([](clmis::Session& x) { return x.in_batch(); }); },
          "True while a batch begun by begin_batch (or a `with s.batch():` block) is open.")
      .def(
          "import_file",
          [](PySession& s, const std::string& type, const std::filesystem::path& path,
             const std::optional<std::string>& format, const std::string& on_error,
             const std::optional<std::string>& date_format, const std::string& delimiter,
             const std::string& encoding, bool ids) {
            if (on_error != "abort" && on_error != "skip")
              throw py::value_error("on_error is \"abort\" or \"skip\"");
            if (delimiter.size() != 1) throw py::value_error("delimiter is one character");
            clmis::ImportOptions o;
            const std::string p = path.string();
            o.format = format ? *format : (p.size() > 6 && p.substr(p.size() - 6) == ".jsonl" ? "jsonl" : "csv");
            o.on_error = on_error == "skip" ? clmis::OnError::skip : clmis::OnError::abort;
            if (date_format) o.date_format = *date_format;
            o.delimiter = delimiter[0];
            o.encoding = encoding;
            o.source = p;
            o.ids = ids;
            const clmis::ImportReport r = s.read([&](clmis::Session& x) {
              std::ifstream in(p, std::ios::binary);
              if (!in) throw clmis::NotFound("cannot read " + p);
              return clmis::import_records(x, type, in, o);
            });
            Json problems = Json::array();
            for (const auto& pr : r.problems)
              problems.push_back({{"row", pr.row}, {"column", pr.column}, {"value", pr.value},
                                  {"rule", pr.rule}, {"message", pr.message}, {"warning", pr.warning},
                                  {"raw", pr.raw}});
            Json report{{"committed", r.committed}, {"stopped", r.stopped}, {"rows", r.rows}, {"created", r.created},
                        {"updated", r.updated}, {"unchanged", r.unchanged},
                        {"refused", r.refused}, {"warnings", r.warnings},
                        {"sha256", r.sha256}, {"indexes_built_after_load", r.indexes_built_after_load},
                        {"problems", problems}};
            if (ids) {
              report["created_ids"] = r.created_ids;
              report["updated_ids"] = r.updated_ids;
            }
            return from_json(report);
          },
          py::arg("type"), py::arg("path"), py::kw_only(), py::arg("format") = py::none(),
          py::arg("on_error") = "abort", py::arg("date_format") = py::none(), py::arg("delimiter") = ",",
          py::arg("encoding") = "utf-8", py::arg("ids") = false,
          "Imports a CSV or JSON Lines file in one transaction (docs/cli.md, \"Importing\"); encoding: "
          "\"utf-8\" (default), \"windows-1252\" or \"latin-1\". Returns the "
          "report: {committed, stopped, rows, created, updated, unchanged, refused, warnings, sha256, "
          "indexes_built_after_load, problems}, "
          "and with ids=True also created_ids and updated_ids (the records' ids in row order; empty when "
          "nothing was committed). With on_error=\"abort\" nothing is imported if any row is bad (committed is False).")
      .def(
          "export_file",
          [](PySession& s, const std::string& type, const std::filesystem::path& path,
             const std::string& format, bool include_archived, bool replace,
             std::optional<std::vector<std::string>> fields, const std::optional<std::string>& language,
             const py::object& on_warning, const py::object& as_of) {
            if (!on_warning.is_none() && !PyCallable_Check(on_warning.ptr()))
              throw py::type_error("on_warning must be a callable taking a dict, or None");
            clmis::ExportOptions o;
            o.format = format;
            o.include_archived = include_archived;
            if (fields) o.fields = *fields;
            if (language) o.language = *language;
            if (!as_of.is_none()) {
              o.as_of = date_text(as_of, "as_of");  // checked by the library (ValidationError)
              if (o.as_of.empty()) throw py::value_error("as_of is a datetime.date or a \"YYYY-MM-DD\" string, or None (today)");
            }
            // Called with the GIL released (inside the export): takes it. What the callable or
            // warnings.warn raises (an error under -W error) stops the export, which then leaves
            // no file.
            o.on_warning = [&on_warning](const clmis::ExportWarning& w) {
              py::gil_scoped_acquire gil;
              if (!on_warning.is_none()) {
                py::dict d;
                d["sheet"] = w.sheet;
                d["row"] = w.row;
                d["column"] = w.column;
                d["id"] = w.id;
                d["value"] = w.value;
                d["rule"] = w.rule;
                d["message"] = w.message;
                on_warning(d);
                return;
              }
              const std::string text = "sheet " + w.sheet + ", row " + std::to_string(w.row) + ", " + w.column +
                                       " (record " + std::to_string(w.id) + "): " + w.message + ": " + w.value;
              const py::object category = py::module_::import("clmis._types").attr("ExportWarning");
              if (PyErr_WarnEx(category.ptr(), text.c_str(), 1) != 0) throw py::error_already_set();
            };
            return s.read([&](clmis::Session& x) { return clmis::export_to_file(x, type, path.string(), o, replace); });
          },
          py::arg("type"), py::arg("path"), py::kw_only(), py::arg("format") = "csv",
          py::arg("include_archived") = false, py::arg("replace") = false, py::arg("fields") = py::none(),
          py::arg("language") = py::none(), py::arg("on_warning") = py::none(), py::arg("as_of") = py::none(),
          "Writes the records of type to a CSV, JSON Lines, JSON or Excel (format=\"xlsx\") file; returns "
          "how many. The file is written beside path and renamed when complete, so an export that is "
          "refused or fails leaves no file; an existing file is replaced only with replace=True "
          "(AlreadyExists otherwise), and never one of the database's own files (Misuse). fields: only "
          "these, in this order (CSV: no sections; xlsx: a sheet per section). language: of the code "
          "labels of an xlsx export (default: the country's first). A value the workbook holds another "
          "way (as text: more than 15 significant digits, a date before 1900-03-01; cut at 32,767 "
          "characters) is reported to on_warning(dict(sheet, row, column, id, value, rule, message)), "
          "or, without it, with warnings.warn(..., clmis.ExportWarning). as_of (datetime.date or "
          "\"YYYY-MM-DD\"; default today): the date of the records' age_group.")
      .def("__repr__", [](PySession& s) {
        return "<clmis.Session user=" + py::repr(py::str(s.handle().user())).cast<std::string>() +
               " database=" + py::repr(py::str(s.st->path)).cast<std::string>() + ">";
      });
}
