// Reading a country's calendar file (the declarations are pack::calendar in pack.hpp).
#pragma once

#include "pack/pack.hpp"

#include <memory>
#include <string>

namespace clmis::pack {

/// Loads and checks the calendar file rel of a profile. PackError (file, JSON path, reason).
std::shared_ptr<const calendar::Calendar> load_calendar(const DataSource& src, const std::string& rel,
                                                        const std::string& iso3);

}  // namespace clmis::pack
