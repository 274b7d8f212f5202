// The audit trail's chain, its key and its verification (docs/security.md).
#include "security/audit.hpp"

#include "core/hash.hpp"
#include "security/access.hpp"
#include "store/audit.hpp"
#include "store/schema.hpp"

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
std::string canonical(const std::string& prev, const store::AuditColumns& cols) {
  Json a = Json::array();
  for (const auto& v : cols) {
    if (auto* i = std::get_if<std::int64_t>(&v)) a.push_back(*i);
    else if (auto* s = std::get_if<std::string>(&v)) a.push_back(*s);
    else a.push_back(nullptr);
  }
  return "clmis-audit-v1\n" + prev + "\n" + a.dump();
}

Json ranges(const std::vector<std::pair<std::int64_t, std::int64_t>>& r) {
  Json out = Json::array();
  for (const auto& [a, b] : r) out.push_back(Json::array({a, b}));
  return out;
}

}  // namespace

std::string AuditTrail::load_key(const std::string& db_path, const std::string& key_file, const std::string& key_hex,
                                 bool create) {
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

std::string AuditTrail::mac(const std::string& prev, const store::AuditColumns& cols) const {
  return hmac_hex(key_, canonical(prev, cols));
}

std::string AuditTrail::key_id() const { return hmac_hex(key_, "clmis audit key id").substr(0, 16); }

std::string AuditTrail::personal_digest(const std::string& value) const {
  const std::string k = hmac_hex(key_, "clmis personal values");
  return "hmac:" + hmac_hex(k, value).substr(0, 32);
}

void AuditTrail::append(store::Connection& c, const std::string& at, std::optional<std::int64_t> actor,
                        std::string_view action, const AuditSubject& subject, const Json& detail) {
  if (key_.empty()) throw Misuse("the audit key is not loaded");
  const auto [prev_id, prev_mac] = store::last_audit(c);
  store::AuditColumns cols = {prev_id + 1, at, actor ? store::SqlValue{*actor} : store::SqlValue{},
                              std::string(action)};
  if (subject.type.empty())
    cols.insert(cols.end(), {store::SqlValue{}, store::SqlValue{}, store::SqlValue{}, store::SqlValue{}});
  else
    cols.insert(cols.end(), {subject.type, subject.id, subject.version, subject.seq});
  cols.emplace_back(detail.dump());
  store::insert_audit(c, cols, mac(prev_mac, cols));
}

void AuditTrail::seal(store::Connection& c) {
  // Only for entries from before format 3 (no MAC): computed in id order, as append would have.
  std::vector<std::pair<std::int64_t, std::string>> macs;
  std::string prev;
  store::scan_audit(c, [&](const store::AuditColumns& cols, const std::string& stored) {
    prev = stored.empty() ? this->mac(prev, cols) : stored;
    if (stored.empty()) macs.emplace_back(std::get<std::int64_t>(cols[0]), prev);
  });
  for (const auto& [id, m] : macs) store::set_audit_mac(c, id, m);
}

void AuditTrail::summarise(bool created, std::int64_t id) {
  auto& r = created ? summary_->created : summary_->updated;
  if (!r.empty() && r.back().second + 1 == id) r.back().second = id;
  else r.emplace_back(id, id);
  ++(created ? summary_->n_created : summary_->n_updated);
}

std::pair<std::string, Json> AuditTrail::end_summary(const Json& given) {
  Json detail = given.is_object() ? given : Json::object();
  const std::string action = detail.value("action", std::string("batch"));
  detail.erase("action");
  detail["created"] = summary_->n_created;
  detail["created_ids"] = ranges(summary_->created);
  detail["updated"] = summary_->n_updated;
  detail["updated_ids"] = ranges(summary_->updated);
  summary_.reset();
  return {action, detail};
}

// ---------------------------------------------------------------------------------------------
// Session's audit operations

// Out of the class: Summary's default member initializers make it constructible only once
// AuditTrail is complete (clang 14 refuses optional<Summary>::emplace() inside the class).
void AuditTrail::begin_summary() { summary_ = Summary{}; }

Json audit_verify(Context& cx, const Json& checkpoint) {
  cx.access.require_system(cx, "audit");
  return verify_chain(cx.conn, cx.audit, checkpoint);
}

Json verify_chain(store::Connection& conn, const AuditTrail& audit, const Json& checkpoint) {
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
  store::ReadTransaction rt(conn);
  Json problems = Json::array();
  // The append-only triggers, exactly as created.
  {
    auto found = store::audit_triggers_found(conn);
    for (const auto& [name, sql] : store::audit_triggers()) {
      auto it = found.find(name);
      if (it == found.end()) problems.push_back("the append-only trigger " + name + " was dropped");
      else if (it->second != sql) problems.push_back("the append-only trigger " + name + " was changed");
      if (it != found.end()) found.erase(it);
    }
    for (const auto& [name, _] : found) problems.push_back("an unexpected trigger " + name + " is on the audit trail");
  }
  std::int64_t expected = 1, count = 0;
  std::string prev;
  Json first_bad = nullptr;
  std::string head_mac;
  std::optional<std::string> mac_at_checkpoint;
  store::scan_audit(conn, [&](const store::AuditColumns& cols, const std::string& stored) {
    const auto id = std::get<std::int64_t>(cols[0]);
    if (first_bad.is_null()) {
      if (id != expected) {
        first_bad = id;
        problems.push_back("entry " + std::to_string(expected) +
                           (id > expected ? " is missing (deleted)" : " is out of sequence") +
                           "; the first entry after the gap is " + std::to_string(id));
      } else if (stored.size() != 64 ||
                 sodium_memcmp(stored.data(), audit.mac(prev, cols).data(), 64) != 0) {
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
  });
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

Json audit_checkpoint(Context& cx) {
  cx.access.require_system(cx, "audit");
  const auto [id, mac] = store::last_audit(cx.conn);
  return Json{{"count", id}, {"mac", mac}, {"at", cx.clock.now_text()}};
}

Json audit_entries(Context& cx, std::int64_t after_id, int limit) {
  cx.access.require_system(cx, "audit");
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  return store::audit_entries(cx.conn, after_id, limit);
}

Json security_log(Context& cx, std::int64_t after_id, int limit) {
  cx.access.require_system(cx, "audit");
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  return store::security_log(cx.conn, after_id, limit);
}

}  // namespace clmis::detail
