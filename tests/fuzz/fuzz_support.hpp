// Shared by the fuzz targets: a database per fuzzing process, made once from the embedded pack
// and reset from that template every so many inputs (so that what one input creates does not
// pile up and slow the next thousands down).
#pragma once

#include "clmis/clmis.h"
#include "clmis/database.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace fuzz {

inline const std::string kPassword = "fuzzing-password-1";

class Db {
 public:
  explicit Db(int reset_every = 2000) : reset_every_(reset_every) {
    const char* shm = "/dev/shm";
    dir_ = (std::filesystem::exists(shm) ? std::filesystem::path(shm) : std::filesystem::temp_directory_path()) /
           ("clmis-fuzz-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    clmis::InitOptions o;
    o.country = "KNA";
    o.admin_password = kPassword;
    {
      auto db = clmis::Database::init(file("template.db"), o);
      auto s = db.login("admin", kPassword);
      // A few records for queries and references to find.
      for (int i = 1; i <= 5; ++i)
        s.create("employer", clmis::Json{{"name", "Employer " + std::to_string(i)}, {"isic_class", "5510"},
                                         {"parish", "KN-0" + std::to_string(i)}, {"workers_male", i * 10}});
    }
    reset();
  }
  ~Db() {
    close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  /// Counts an input; every reset_every inputs the working copy starts again from the template.
  void tick() {
    if (++inputs_ % reset_every_ == 0) reset();
  }
  clmis::Session& session() { return *session_; }
  clmis_session* c_session() { return c_session_; }
  [[nodiscard]] std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  void close() {
    if (c_session_) clmis_session_close(&c_session_);
    if (c_db_) clmis_close(&c_db_);
    session_.reset();
    db_.reset();
  }
  void reset() {
    close();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(file("work.db") + suffix);
    std::filesystem::copy_file(file("template.db"), file("work.db"), std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(file("template.db.key"), file("work.db.key"), std::filesystem::copy_options::overwrite_existing);
    db_ = std::make_unique<clmis::Database>(clmis::Database::open(file("work.db")));
    session_ = std::make_unique<clmis::Session>(db_->login("admin", kPassword));
    if (clmis_open(&c_db_, file("work.db").c_str(), nullptr) != CLMIS_OK ||
        clmis_login(&c_session_, c_db_, "admin", kPassword.c_str()) != CLMIS_OK)
      std::abort();
  }
  std::filesystem::path dir_;
  int reset_every_;
  long inputs_ = 0;
  std::unique_ptr<clmis::Database> db_;
  std::unique_ptr<clmis::Session> session_;
  clmis_db* c_db_ = nullptr;
  clmis_session* c_session_ = nullptr;
};

}  // namespace fuzz
