// clmis/clock.hpp — where clmis reads the time.
//
// Every timestamp clmis writes (created_at, history, audit, the security log), every "today"
// (effective dates, ages, the profile's local date), lockout expiry and service key expiry read
// one clock per open database. By default it is the system clock; a program that needs another
// — a test that moves time forward to see a lockout expire, a simulation — passes its own in
// InitOptions/OpenOptions (clmis/database.hpp). The CLI never takes a clock from its user: audit
// times must be true.
#pragma once

#include <chrono>
#include <functional>

namespace clmis {

/// The current time in UTC. It must return a time between 1970-01-01 and 9999-12-30 (otherwise
/// the operation that read it fails with Misuse); it is called with the database's lock held,
/// so it must not call back into clmis. An empty Clock is the system clock.
using Clock = std::function<std::chrono::sys_seconds()>;

}  // namespace clmis
