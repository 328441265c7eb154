// metadata.url to backend: SQLite paths resolve against home, PostgreSQL URLs open the
// PostgreSQL store (an unreachable server is a Transient error naming it without the password),
// anything else is an InvalidInput that lists the accepted forms.
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
  for (const char* url : {"mysql://x", "gogooku3.db", "sqlite:"}) {
    try {
      open_metadata_store(url, "/h");
      ADD_FAILURE() << "accepted " << url;
    } catch (const Error& e) {
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput);
      EXPECT_NE(std::string(e.what()).find(url), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("sqlite:PATH"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("postgresql://"), std::string::npos) << e.what();
    }
  }
  try {
    open_metadata_store("mysql://me:hunter22@db/g3", "/h");
    ADD_FAILURE() << "accepted a mysql URL";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("mysql://me:****@db/g3"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter22"), std::string::npos) << e.what();
  }
}

TEST(MetadataUrlTest, PostgresUrlsAreRecognised) {
  EXPECT_TRUE(is_postgres_url("postgresql://u@db/g3"));
  EXPECT_TRUE(is_postgres_url("postgres://u@db/g3"));
  EXPECT_FALSE(is_postgres_url("sqlite:postgres.db"));
  EXPECT_FALSE(is_postgres_url("postgresql:g3"));
}

// Port 1 on the loopback: nothing listens there, so libpq is refused at once. Both spellings
// reach the PostgreSQL backend (a SQLite store would have opened a file instead).
TEST(MetadataUrlTest, UnreachablePostgresIsTransientNamingTheServerWithoutThePassword) {
  for (const char* scheme : {"postgresql", "postgres"}) {
    const std::string url = std::string(scheme) + "://gogooku3:hunter22@127.0.0.1:1/g3";
    try {
      open_metadata_store(url, "/h");
      ADD_FAILURE() << "connected to " << url;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.category(), ErrorCategory::kTransient) << message;
      EXPECT_NE(message.find("postgresql://gogooku3@127.0.0.1:1/g3"), std::string::npos) << message;
      EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
      EXPECT_EQ(message.find("hunter22"), std::string::npos) << message;
    }
  }
}

TEST(MetadataUrlTest, MalformedPostgresUrlIsInvalidInputWithoutThePassword) {
  for (const char* url : {"postgresql://gogooku3:hunter22@db/g3?no_such_option=1",
                          "postgresql://gogooku3:hunter22%zz@db/g3"}) {
    try {
      open_metadata_store(url, "/h");
      ADD_FAILURE() << "accepted " << url;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.category(), ErrorCategory::kInvalidInput) << message;
      EXPECT_NE(message.find("postgresql://gogooku3:****@db/g3"), std::string::npos) << message;
      EXPECT_EQ(message.find("hunter22"), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace gogooku3::storage
