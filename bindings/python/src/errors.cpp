#include "errors.hpp"

#include "convert.hpp"

#include <clmis/error.hpp>

#include <array>

namespace clmis::python {

namespace {

struct ErrorClass {
  Errc code;
  const char* name;  // as in clmis.__all__
  const char* doc;
  PyObject* type = nullptr;  // created by register_errors; owned for the life of the process
};

// Indexed by nothing in particular: looked up by code. Error (generic) comes first and is the
// base of the others.
std::array<ErrorClass, 12> g_classes{{
    {Errc::generic, "Error",
     "Base class of every clmis error. .code is the C API status code (clmis.h CLMIS_E*)."},
    {Errc::invalid, "ValidationError",
     "Input refused. .errors lists every problem: dicts with record, path, value, rule, message."},
    {Errc::not_found, "NotFound", "No such record, record type, code list, user or file."},
    {Errc::exists, "AlreadyExists",
     "Already exists: the database file, a code, an external_id of another record."},
    {Errc::conflict, "Conflict",
     "A stale version, an archived record, a transition the state does not allow, a code in use."},
    {Errc::denied, "PermissionDenied", "The session's user may not do this."},
    {Errc::auth, "AuthError", "Wrong user name or password (the message does not say which)."},
    {Errc::busy, "Busy", "The database stayed locked by another writer past busy_timeout_ms."},
    {Errc::misuse, "Misuse", "API misuse: a closed database, a bad option or argument."},
    {Errc::pack, "PackError", "A pack or country profile is malformed or differs from the stored one."},
    {Errc::io, "StorageError", "The database file cannot be read or written, or is not clmis's."},
    {Errc::version, "VersionError", "The database was made by a newer pack or library."},
}};

PyObject* class_for(Errc code) {
  for (const auto& c : g_classes)
    if (c.code == code) return c.type;
  return g_classes[0].type;  // generic, nomem and any code added later: clmis.Error
}

void set_python_error(const clmis::Error& e) {
  PyObject* cls = class_for(e.code());
  pybind11::object exc = pybind11::reinterpret_borrow<pybind11::object>(cls)(text(e.what()));
  exc.attr("code") = static_cast<int>(e.code());
  if (const auto* v = dynamic_cast<const clmis::ValidationError*>(&e))
    exc.attr("errors") = errors_to_python(clmis::to_json(v->errors()));
  PyErr_SetObject(cls, exc.ptr());
}

}  // namespace

void register_errors(pybind11::module_& m) {
  namespace py = pybind11;
  for (auto& c : g_classes) {
    py::dict attrs;
    attrs["code"] = static_cast<int>(c.code);
    PyObject* base = c.code == Errc::generic ? PyExc_Exception : g_classes[0].type;
    const std::string qualified = std::string("clmis.") + c.name;
    c.type = PyErr_NewExceptionWithDoc(qualified.c_str(), c.doc, base, attrs.ptr());
    if (!c.type) throw py::error_already_set();
    m.add_object(c.name, py::handle(c.type));  // the module holds a reference; ours is kept too
  }
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const clmis::Error& e) {
      set_python_error(e);
    }
  });
}

}  // namespace clmis::python
