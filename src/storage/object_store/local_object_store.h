// LocalObjectStore: an ObjectStore over a directory; each key is a file under it.
//
// Writes go through create_local_file (temporary file in the same directory, fsync, rename at
// commit), so a reader never sees a partial object. remove() also prunes directories that it
// leaves empty, up to the root, so remove_prefix of a partition leaves no husk behind.
#pragma once

#include <filesystem>
#include <memory>

#include "storage/object_store/object_store.h"

namespace gogooku3::storage {

std::unique_ptr<ObjectStore> open_local_object_store(const std::filesystem::path& root);

}  // namespace gogooku3::storage
