// Where a CLI argument names a file: a local path, or an s3://bucket/key URL (credentials and
// endpoint from the environment, as for the lake). One place so every command accepts both.
#pragma once

#include <memory>
#include <string>

#include "storage/io/file_io.h"

namespace gogooku3::cli {

std::shared_ptr<const storage::RandomAccessFile> open_for_reading(const std::string& location);
std::unique_ptr<storage::WritableFile> open_for_writing(const std::string& location);

}  // namespace gogooku3::cli
