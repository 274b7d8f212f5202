// Fuzz target: record JSON through the C API — create, then update of the record it made, of
// the first byte's record type. Every input gives a status code; CLMIS_ERROR (an internal
// failure) is a finding.
#include "fuzz_support.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::Db db;
  db.tick();
  static const char* types[] = {"employer", "establishment", "organisation", "job_seeker", "vacancy"};
  if (size == 0) return 0;
  const char* type = types[data[0] % 5];
  const std::string json(reinterpret_cast<const char*>(data + 1), size - 1);
  std::int64_t id = 0;
  int rc = clmis_record_create(&id, db.c_session(), type, json.c_str());
  if (rc == CLMIS_ERROR) std::abort();
  if (rc == CLMIS_OK) {
    rc = clmis_record_update(nullptr, db.c_session(), type, id, 1, json.c_str());
    if (rc == CLMIS_ERROR) std::abort();
  }
  // The error list is always JSON.
  if (clmis_error_last_json()[0] != '[') std::abort();
  return 0;
}
