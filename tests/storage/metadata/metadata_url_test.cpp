#include "storage/metadata/metadata_url.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace gogooku3::storage {
namespace {

TEST(MetadataUrlTest, SqliteUrlsResolveAgainstHome) {
  EXPECT_EQ(sqlite_path_from_url("sqlite:gogooku3.db", "/h"), "/h/gogooku3.db");
  EXPECT_EQ(sqlite_path_from_url("sqlite:/abs/g.db", "/h"), "/abs/g.db");
  EXPECT_EQ(sqlite_path_from_url("sqlite:///abs/g.db", "/h"), "/abs/g.db");
}

TEST(MetadataUrlTest, OtherSchemesAreClearErrors) {
  for (const char* url : {"postgresql://u@db/g3", "mysql://x", "gogooku3.db", "sqlite:"}) {
    try {
      sqlite_path_from_url(url, "/h");
      ADD_FAILURE() << "accepted " << url;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("sqlite:PATH"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace gogooku3::storage
