// S3ObjectStore: an ObjectStore over s3://bucket[/prefix] (AWS or an S3-compatible server).
//
// Reads: open_read() issues one HEAD (size, ETag) and then a ranged GET per read_at, each
// conditional on that ETag, so a reader notices (Transient) when the object is replaced under
// it. Writes: below S3Options::multipart_threshold the writer buffers and PUTs at commit();
// above it, it starts a multipart upload, sends parts of part_size as they fill and completes
// the upload at commit(). An uncommitted writer aborts its upload when destroyed, so nothing
// becomes visible and no parts are left to pay for. list() pages ListObjectsV2 with
// continuation tokens; remove_prefix() lists and deletes in batches of 1000 (DeleteObjects).
#pragma once

#include <memory>
#include <string_view>

#include "storage/object_store/object_store.h"
#include "storage/object_store/s3_options.h"

namespace gogooku3::storage {

// `url` is s3://bucket[/prefix]; throws InvalidInput for a malformed URL or bucket name.
std::unique_ptr<ObjectStore> open_s3_object_store(std::string_view url, const S3Options& options);

// Creates `bucket` (in options.region); a bucket that already exists and is ours is fine. For
// tests and first-time setup: the pipeline itself never creates buckets.
void create_s3_bucket(std::string_view bucket, const S3Options& options);

}  // namespace gogooku3::storage
