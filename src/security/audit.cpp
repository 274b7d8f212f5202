// The audit trail: append-only, each entry chained to the one before by HMAC-SHA-256 under a key
// kept outside the database, so that a change, deletion, insertion or reordering of entries —
// even by someone who can write the file and recompute plain hashes — is detected by
// audit_verify, and a truncated tail by a checkpoint kept elsewhere (docs/security.md).
#include "core/hash.hpp"
#include "records/engine.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>

namespace clmis::detail {

namespace {

constexpr size_t kKeyBytes = 32;

std::string to_hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

std::optional<std::string> from_hex(std::string_view hex) {
  std::string out(hex.size() / 2, '\0');
  size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(),
                     nullptr, &len, nullptr) != 0 ||
      len != kKeyBytes || hex.size() != kKeyBytes * 2)
    return std::nullopt;
  return out;
}

std::string hmac_hex(const std::string& key, std::string_view message) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return to_hex(mac, sizeof mac);
}

/// The canonical serialisation of an entry: a JSON array of its columns in a fixed order
/// (integers, strings, nulls; the detail as its stored text), with the previous entry's MAC.
std::string canonical(const std::string& prev, const std::vector<store::SqlValue>& cols) {
  Json a = Json::array();
  for (const auto& v : cols) {
    if (auto* i = std::get_if<std::int64_t>(&v)) a.push_back(*i);
    else if (auto* s = std::get_if<std::string>(&v)) a.push_back(*s);
    else a.push_back(nullptr);
  }
  return "clmis-audit-v1\n" + prev + "\n" + a.dump();
}

}  // namespace

std::string Engine::load_audit_key(const std::string& db_path, const std::string& key_file,
                                   const std::string& key_hex, bool create) {
  sodium_ready();
  if (!key_hex.empty()) {
    auto k = from_hex(key_hex);
    if (!k) throw Misuse("the audit key must be 64 hexadecimal digits (32 bytes)");
    return *k;
  }
  const std::string path = key_file.empty() ? db_path + ".key" : key_file;
  if (create) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      if (errno == EEXIST)
        throw AlreadyExists("an audit key file already exists at " + path +
                            " (it may belong to another database); move it away or name another key file");
      throw StorageError("cannot create the audit key file " + path + ": " + std::strerror(errno));
    }
    unsigned char raw[kKeyBytes];
    randombytes_buf(raw, sizeof raw);
    const std::string text = to_hex(raw, sizeof raw) + "\n";
    const std::string key(reinterpret_cast<const char*>(raw), sizeof raw);
    sodium_memzero(raw, sizeof raw);
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      ::unlink(path.c_str());
      throw StorageError("cannot write the audit key file " + path);
    }
    return key;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw NotFound("no audit key file at " + path +
                   ": clmis needs the key that chains this database's audit trail (docs/security.md)");
  if (st.st_mode & 077)
    throw PermissionDenied("the audit key file " + path +
                           " can be read or written by other users; make it owner-only (chmod 600)");
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  auto k = from_hex(text);
  if (!k) throw StorageError("the audit key file " + path + " does not hold 64 hexadecimal digits");
  return *k;
}

std::string Engine::audit_key_id() const {
  return hmac_hex(audit_key_, "clmis audit key id").substr(0, 16);
}

std::string Engine::personal_digest(const std::string& value) const {
  const std::string k = hmac_hex(audit_key_, "clmis personal values");
  return "hmac:" + hmac_hex(k, value).substr(0, 32);
}

void Engine::audit(std::optional<std::int64_t> uid, const char* action, const std::string& type,
                   std::int64_t id, std::int64_t version, std::int64_t seq, const Json& detail) {
  if (audit_key_.empty()) throw Misuse("the audit key is not loaded");
  auto& last = conn().prepare("SELECT id, mac FROM clmis_audit ORDER BY id DESC LIMIT 1");
  std::int64_t prev_id = 0;
  std::string prev_mac;
  if (last.step()) {
    prev_id = last.int64(0);
    prev_mac = last.is_null(1) ? "" : last.text(1);
  }
  last.reset();
  const std::int64_t entry = prev_id + 1;
  std::vector<store::SqlValue> cols = {entry, now(), uid ? store::SqlValue{*uid} : store::SqlValue{},
                                       std::string(action)};
  if (type.empty()) cols.insert(cols.end(), {store::SqlValue{}, store::SqlValue{}, store::SqlValue{}, store::SqlValue{}});
  else cols.insert(cols.end(), {type, id, version, seq});
  cols.emplace_back(detail.dump());
  const std::string mac = hmac_hex(audit_key_, canonical(prev_mac, cols));
  auto& s = conn().prepare(
      "INSERT INTO clmis_audit(id, at, actor, action, record_type, record_id, version, seq, detail, mac) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < cols.size(); ++i) s.bind(static_cast<int>(i) + 1, cols[i]);
  s.bind(10, mac).run();
}

void Engine::seal_audit_trail() {
  // Only for entries from before format 3 (no MAC): computed in id order, as audit() would have.
  auto& s = conn().prepare(
      "SELECT id, at, actor, action, record_type, record_id, version, seq, detail, mac FROM clmis_audit ORDER BY id");
  std::vector<std::pair<std::int64_t, std::string>> macs;
  std::string prev;
  while (s.step()) {
    std::vector<store::SqlValue> cols;
    for (int i = 0; i < 9; ++i) cols.push_back(s.value(i));
    prev = s.is_null(9) ? hmac_hex(audit_key_, canonical(prev, cols)) : s.text(9);
    if (s.is_null(9)) macs.emplace_back(s.int64(0), prev);
  }
  s.reset();
  for (const auto& [id, mac] : macs)
    conn().prepare("UPDATE clmis_audit SET mac = ? WHERE id = ?").bind(1, mac).bind(2, id).run();
}

Json Engine::audit_verify(const Actor& who, const Json& checkpoint) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "audit");
  std::optional<std::int64_t> cp_count;
  std::string cp_mac;
  if (!checkpoint.is_null()) {
    if (!checkpoint.is_object() || !checkpoint.contains("count") || !checkpoint["count"].is_number_integer() ||
        checkpoint["count"].get<std::int64_t>() < 1 || !checkpoint.contains("mac") || !checkpoint["mac"].is_string())
      throw ValidationError({{"audit", "checkpoint", checkpoint, "type",
                              R"(a checkpoint is {"count": N, "mac": "..."} as audit_checkpoint gives it)"}});
    cp_count = checkpoint["count"].get<std::int64_t>();
    cp_mac = checkpoint["mac"].get<std::string>();
  }
  store::ReadTransaction rt(conn());
  Json problems = Json::array();
  // The append-only triggers, exactly as created.
  {
    std::map<std::string, std::string> found;
    auto& t = conn().prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'clmis_audit'");
    while (t.step()) found[t.text(0)] = t.text(1);
    t.reset();
    for (const auto& [name, sql] : store::audit_triggers()) {
      auto it = found.find(name);
      if (it == found.end()) problems.push_back("the append-only trigger " + name + " was dropped");
      else if (it->second != sql) problems.push_back("the append-only trigger " + name + " was changed");
      if (it != found.end()) found.erase(it);
    }
    for (const auto& [name, _] : found) problems.push_back("an unexpected trigger " + name + " is on the audit trail");
  }
  auto& s = conn().prepare(
      "SELECT id, at, actor, action, record_type, record_id, version, seq, detail, mac FROM clmis_audit ORDER BY id");
  std::int64_t expected = 1, count = 0;
  std::string prev;
  Json first_bad = nullptr;
  std::string head_mac;
  std::optional<std::string> mac_at_checkpoint;
  while (s.step()) {
    const auto id = s.int64(0);
    std::vector<store::SqlValue> cols;
    for (int i = 0; i < 9; ++i) cols.push_back(s.value(i));
    const std::string stored = s.is_null(9) ? "" : s.text(9);
    if (first_bad.is_null()) {
      if (id != expected) {
        first_bad = id;
        problems.push_back("entry " + std::to_string(expected) + (id > expected ? " is missing (deleted)" : " is out of sequence") +
                           "; the first entry after the gap is " + std::to_string(id));
      } else if (stored.size() != 64 ||
                 sodium_memcmp(stored.data(), hmac_hex(audit_key_, canonical(prev, cols)).data(), 64) != 0) {
        first_bad = id;
        problems.push_back("entry " + std::to_string(id) +
                           " does not match its MAC: it was changed, inserted, moved, or the chain before it was");
      }
    }
    prev = stored;
    ++count;
    ++expected;
    head_mac = stored;
    if (cp_count && id == *cp_count) mac_at_checkpoint = stored;
  }
  s.reset();
  Json cp_result = nullptr;
  if (cp_count) {
    if (count < *cp_count) {
      problems.push_back("the trail has " + std::to_string(count) + " entries but the checkpoint names entry " +
                         std::to_string(*cp_count) + ": its tail was truncated");
      if (first_bad.is_null()) first_bad = count + 1;
      cp_result = "truncated";
    } else if (!mac_at_checkpoint || *mac_at_checkpoint != cp_mac) {
      problems.push_back("entry " + std::to_string(*cp_count) + " is not the one the checkpoint recorded");
      if (first_bad.is_null()) first_bad = *cp_count;
      cp_result = "mismatch";
    } else {
      cp_result = "matches";
    }
  }
  return Json{{"ok", problems.empty()},
              {"entries", count},
              {"head", {{"count", count}, {"mac", head_mac}}},
              {"first_bad", first_bad},
              {"problems", problems},
              {"checkpoint", cp_result}};
}

Json Engine::audit_checkpoint(const Actor& who) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "audit");
  auto& s = conn().prepare("SELECT id, mac FROM clmis_audit ORDER BY id DESC LIMIT 1");
  Json out = {{"count", 0}, {"mac", ""}, {"at", now()}};
  if (s.step()) {
    out["count"] = s.int64(0);
    out["mac"] = s.is_null(1) ? "" : s.text(1);
  }
  s.reset();
  return out;
}

Json Engine::audit_entries(const Actor& who, std::int64_t after_id, int limit) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "audit");
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  auto& s = conn().prepare(
      "SELECT a.id, a.at, u.name, a.action, a.record_type, a.record_id, a.version, a.seq, a.detail, a.mac "
      "FROM clmis_audit a LEFT JOIN clmis_user u ON u.id = a.actor WHERE a.id > ? ORDER BY a.id LIMIT ?");
  s.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  Json out = Json::array();
  auto opt_text = [&](int i) { return s.is_null(i) ? Json(nullptr) : Json(s.text(i)); };
  auto opt_int = [&](int i) { return s.is_null(i) ? Json(nullptr) : Json(s.int64(i)); };
  while (s.step())
    out.push_back({{"id", s.int64(0)}, {"at", s.text(1)}, {"by", opt_text(2)}, {"action", s.text(3)},
                   {"record_type", opt_text(4)}, {"record_id", opt_int(5)}, {"version", opt_int(6)},
                   {"seq", opt_int(7)}, {"detail", s.is_null(8) ? Json(nullptr) : Json::parse(s.text(8))},
                   {"mac", opt_text(9)}});
  s.reset();
  return out;
}

Json Engine::security_log(const Actor& who, std::int64_t after_id, int limit) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "audit");
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  auto& s = conn().prepare(
      "SELECT id, at, user_name, event, detail FROM clmis_security_log WHERE id > ? ORDER BY id LIMIT ?");
  s.bind(1, after_id).bind(2, static_cast<std::int64_t>(limit));
  Json out = Json::array();
  while (s.step()) {
    Json detail = nullptr;
    if (!s.is_null(4)) {
      detail = Json::parse(s.text(4), nullptr, false);
      if (detail.is_discarded()) detail = s.text(4);
    }
    out.push_back({{"id", s.int64(0)}, {"at", s.text(1)},
                   {"user", s.is_null(2) ? Json(nullptr) : Json(s.text(2))},
                   {"event", s.text(3)}, {"detail", detail}});
  }
  s.reset();
  return out;
}

}  // namespace clmis::detail
