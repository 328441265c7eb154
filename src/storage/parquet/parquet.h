// The Parquet module in one include: Writer / write_table to produce files, Reader / open_file
// to read them. See writer.h and reader.h for the contracts, column_schema.h for the type
// mapping, and the other headers of this directory for the format itself.
#pragma once

#include "storage/parquet/compression.h"
#include "storage/parquet/reader.h"
#include "storage/parquet/writer.h"
