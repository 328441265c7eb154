// What this binary is: version, source revision and build type, for `gogooku3 version` and
// run metadata. The revision and build type are filled in by CMake into a generated source
// (build_info.cpp.in), so a new commit recompiles one file, not the whole library.
#pragma once

namespace gogooku3::cli {

struct BuildInfo {
  const char* version;
  const char* revision;
  const char* build_type;
};

const BuildInfo& build_info();

}  // namespace gogooku3::cli
