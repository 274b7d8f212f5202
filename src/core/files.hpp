// Files clmis writes besides the database: exports, reports, checkpoints, backups. Each is
// written to a temporary file beside its target (mode 0600: it may hold personal data) and
// renamed over the target only once complete, so a failed write leaves no half file and the old
// file as it was; a target that is one of the database's own files (the database, its WAL,
// shared-memory or rollback journal, its audit key) is refused whatever path names it (a
// symbolic link, "./x.db", a hard link), and an existing file is only replaced when the caller
// says so.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace clmis::detail {

/// The mode of every file clmis creates: read and write for the owner only.
inline constexpr unsigned kPrivateFileMode = 0600;

/// The files that make up the database at db_path: the database, "-wal", "-shm", "-journal",
/// and the audit key file (key_path; "" when the key was given directly), in that order.
std::vector<std::string> database_files(const std::string& db_path, const std::string& key_path);

/// True if a and b name the same file: the same device and inode when both exist, else the same
/// path once symbolic links and "." and ".." are resolved.
bool same_file(const std::string& a, const std::string& b);

/// A file being written. Throws Misuse if target is one of `protect` (naming which) or is named
/// "<another name of protect's first file>" + "-wal", "-shm", "-journal" or ".key", and
/// AlreadyExists if target exists and !replace. commit() flushes, syncs and renames the
/// temporary file onto target (without replacing a file that appeared meanwhile, unless
/// replace); the destructor removes the temporary file of an uncommitted write.
class OutputFile {
 public:
  OutputFile(std::string target, const std::vector<std::string>& protect, bool replace);
  /// The same, for a writer that writes temporary_path() itself (SQLite's backup): no stream.
  struct NoStream {};
  OutputFile(std::string target, const std::vector<std::string>& protect, bool replace, NoStream);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream() { return out_; }
  [[nodiscard]] const std::string& temporary_path() const { return temp_; }
  /// Completes the write: StorageError if the data could not be written or renamed.
  void commit();

 private:
  std::string target_, temp_;
  bool replace_ = false, committed_ = false;
  std::ofstream out_;
};

/// Refuses target as OutputFile does (Misuse for a database file, AlreadyExists without
/// replace), for writers that make the file themselves (SQLite's backup).
void check_output_target(const std::string& target, const std::vector<std::string>& protect, bool replace);

/// Sets mode 0600 on path (after SQLite or another library created it); StorageError on failure.
void make_private(const std::string& path);

/// The permission bits of path (e.g. 0644), or -1 if it does not exist.
int file_mode(const std::string& path);

}  // namespace clmis::detail
