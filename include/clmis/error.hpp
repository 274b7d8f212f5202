// clmis/error.hpp — the one error hierarchy of the C++ API.
//
// Every failure inside clmis is thrown as a subclass of clmis::Error. Each class stands for one
// failure kind and carries the status code it maps to in the C API (clmis.h) and to a Python
// exception; that mapping lives in exactly one place per face. Expected failures (validation,
// not found, conflict...) are errors like any other: callers catch the class they can handle.
#pragma once

#include "clmis/value.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace clmis {

/// Status codes; identical values to the CLMIS_E* constants of clmis.h.
enum class Errc : int {
  ok = 0,
  generic = -1,
  invalid = -2,
  not_found = -3,
  exists = -4,
  conflict = -5,
  denied = -6,
  auth = -7,
  busy = -8,
  misuse = -9,
  pack = -10,
  io = -11,
  version = -12,
  nomem = -13,
};

/// One entry of a validation error list (DESIGN.md §5).
struct FieldError {
  std::string record;   ///< record type, e.g. "employer"
  std::string path;     ///< field path, e.g. "contacts[1].email"; "" for the whole record
  Json value;           ///< the value given, bounded (null when missing)
  std::string rule;     ///< rule kind: required, type, code_list, reference, length, range,
                        ///< pattern, unknown_field, read_only, ...
  std::string message;  ///< for people
};

Json to_json(const std::vector<FieldError>& errors);

/// Base class of everything clmis throws.
class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

/// Input refused: malformed JSON, or one or more validation errors (all of them, in errors()).
/// Each FieldError::value is bounded (json_excerpt in clmis/json.hpp): a long string or a large
/// array or object given by the caller is cut or described, never carried whole.
class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<FieldError> errors);
  ValidationError(const std::string& message, std::vector<FieldError> errors = {});
  [[nodiscard]] const std::vector<FieldError>& errors() const noexcept { return errors_; }

 private:
  std::vector<FieldError> errors_;
};

#define CLMIS_DEFINE_ERROR(Name, code_value)                                    \
  class Name : public Error {                                                   \
   public:                                                                      \
    explicit Name(const std::string& message) : Error(code_value, message) {}   \
  };

CLMIS_DEFINE_ERROR(NotFound, Errc::not_found)          ///< no such record, type, list, user, file
CLMIS_DEFINE_ERROR(AlreadyExists, Errc::exists)        ///< e.g. the database file exists
CLMIS_DEFINE_ERROR(Conflict, Errc::conflict)           ///< stale version, or archived record
CLMIS_DEFINE_ERROR(PermissionDenied, Errc::denied)     ///< the user may not do this
CLMIS_DEFINE_ERROR(AuthError, Errc::auth)              ///< wrong user name or password
CLMIS_DEFINE_ERROR(Busy, Errc::busy)                   ///< database locked past the limit
CLMIS_DEFINE_ERROR(Misuse, Errc::misuse)               ///< API misuse: closed handle, bad option
CLMIS_DEFINE_ERROR(PackError, Errc::pack)              ///< malformed pack or profile
CLMIS_DEFINE_ERROR(StorageError, Errc::io)             ///< the database file failed
CLMIS_DEFINE_ERROR(VersionError, Errc::version)        ///< database from a newer pack/library

#undef CLMIS_DEFINE_ERROR

}  // namespace clmis
