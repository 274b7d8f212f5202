// Declarations of the generated table of embedded data files.
#pragma once

#include <cstddef>

namespace clmis::pack::detail {

struct EmbeddedFile {
  const char* path;
  const unsigned char* data;
  std::size_t size;
};

extern const EmbeddedFile kEmbeddedFiles[];
extern const std::size_t kEmbeddedFileCount;

}  // namespace clmis::pack::detail
