// The one mapping of the C++ clmis::Error hierarchy (clmis/error.hpp) to Python exceptions.
#pragma once

#include <pybind11/pybind11.h>

namespace clmis::python {

/// Creates clmis.Error and its subclasses in module m and registers the translator that turns
/// every clmis::Error thrown by a call into the Python exception of its class, with .code (the C
/// status code) and, for ValidationError, .errors (the list of DESIGN.md §5).
void register_errors(pybind11::module_& m);

}  // namespace clmis::python
