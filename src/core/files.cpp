#include "core/files.hpp"

#include "clmis/error.hpp"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace clmis::detail {

namespace fs = std::filesystem;

namespace {
constexpr const char* kCompanions[] = {"-wal", "-shm", "-journal"};
}

std::vector<std::string> database_files(const std::string& db_path, const std::string& key_path) {
  std::vector<std::string> out{db_path};
  for (const char* s : kCompanions) out.push_back(db_path + s);
  if (!key_path.empty()) out.push_back(key_path);
  return out;
}

bool same_file(const std::string& a, const std::string& b) {
  struct stat sa {}, sb {};
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  std::error_code e1, e2;
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, e1), e1);
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, e2), e2);
  if (e1 || e2) return fs::absolute(a, e1).lexically_normal() == fs::absolute(b, e2).lexically_normal();
  return ca == cb;
}

void check_output_target(const std::string& target, const std::vector<std::string>& protect, bool replace) {
  if (target.empty()) throw Misuse("the output path is empty");
  for (const auto& p : protect)
    if (same_file(target, p))
      throw Misuse("the output " + target + " is the database's own file " + p +
                   "; write the output somewhere else");
  // A journal or key named after another name of the database: SQLite names the journals after
  // the file a symbolic link points to, and a hard link has keys and journals of its own names.
  // (A target that is a symbolic link to such a file is safe: the rename replaces the link.)
  if (!protect.empty())
    for (const std::string suffix : {"-wal", "-shm", "-journal", ".key"})
      if (target.size() > suffix.size() && target.compare(target.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          same_file(target.substr(0, target.size() - suffix.size()), protect.front()))
        throw Misuse("the output " + target + " is named as a file of the database " + protect.front() +
                     " (its " + suffix.substr(1) + " file); write the output somewhere else");
  std::error_code ec;
  const auto st = fs::symlink_status(target, ec);
  if (!ec && fs::exists(st)) {
    if (fs::is_directory(fs::status(target, ec))) throw Misuse("the output " + target + " is a directory");
    if (!replace) throw AlreadyExists("the output " + target + " exists; remove it or ask to replace it (--force)");
  }
}

OutputFile::OutputFile(std::string target, const std::vector<std::string>& protect, bool replace)
    : OutputFile(std::move(target), protect, replace, NoStream{}) {
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    ::unlink(temp_.c_str());
    throw StorageError("cannot write " + temp_);
  }
}

OutputFile::OutputFile(std::string target, const std::vector<std::string>& protect, bool replace, NoStream)
    : target_(std::move(target)), replace_(replace) {
  check_output_target(target_, protect, replace_);
  // A temporary file beside the target, so that the rename stays within one file system.
  const fs::path t(target_);
  const fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
  std::string pattern = (dir / ("." + t.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(pattern.data());  // 0600
  if (fd < 0) throw StorageError("cannot write beside " + target_ + ": " + std::strerror(errno));
  ::close(fd);
  temp_ = pattern;
}

OutputFile::~OutputFile() {
  if (!committed_) {
    if (out_.is_open()) out_.close();
    ::unlink(temp_.c_str());
    // What SQLite may have left beside a temporary database (nothing, once it closed cleanly).
    for (const char* suffix : {"-wal", "-shm", "-journal"}) ::unlink((temp_ + suffix).c_str());
  }
}

void OutputFile::commit() {
  if (out_.is_open()) {
    out_.flush();
    if (!out_) throw StorageError("cannot write " + target_ + " (disk full?)");
    out_.close();
  }
  {
    const int fd = ::open(temp_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
      if (fd >= 0) ::close(fd);
      throw StorageError("cannot write " + target_ + ": " + std::strerror(errno));
    }
    ::close(fd);
  }
  // Check again: the target may have been created, or linked to the database, meanwhile.
  if (replace_) {
    if (::rename(temp_.c_str(), target_.c_str()) != 0)
      throw StorageError("cannot write " + target_ + ": " + std::strerror(errno));
  } else if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, target_.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) throw AlreadyExists("the output " + target_ + " appeared while it was written");
    // A file system without RENAME_NOREPLACE: a hard link fails if the target exists.
    if (errno != EINVAL && errno != ENOSYS) throw StorageError("cannot write " + target_ + ": " + std::strerror(errno));
    if (::link(temp_.c_str(), target_.c_str()) != 0) {
      if (errno == EEXIST) throw AlreadyExists("the output " + target_ + " appeared while it was written");
      throw StorageError("cannot write " + target_ + ": " + std::strerror(errno));
    }
    ::unlink(temp_.c_str());
  }
  committed_ = true;
}

void make_private(const std::string& path) {
  if (::chmod(path.c_str(), kPrivateFileMode) != 0 && errno != ENOENT)
    throw StorageError("cannot set the permissions of " + path + ": " + std::strerror(errno));
}

int file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

}  // namespace clmis::detail
