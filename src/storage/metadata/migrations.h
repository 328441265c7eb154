// The metadata schema as an ordered list of migrations, shared by every MetadataStore backend.
//
// A database records each migration it has applied in schema_migrations; opening a store applies
// the missing ones in order, one transaction each, so a crash part-way leaves the database at a
// whole version, and two processes opening a fresh file at once apply each migration once. The
// list only grows: a released migration is never edited, a change is a new migration.
//
// The SQL is written for both SQLite and PostgreSQL: BIGINT, BOOLEAN, DOUBLE PRECISION,
// standard constraints, no AUTOINCREMENT, no WITHOUT ROWID, no INSERT OR REPLACE. What the two
// cannot spell alike is a ${NAME} token that migration_sql() expands for the dialect:
//   ${AUTO_ID}  a generated 64-bit primary key (INTEGER PRIMARY KEY / GENERATED ... IDENTITY)
//   ${TEXT}     a text column compared byte-wise (TEXT / TEXT COLLATE "C"): range scans over
//               partition keys and ties broken by run id must order alike in both backends,
//               whatever collation a PostgreSQL database was created with.
// The SQLite expansion is the SQL as first released, character for character. Conventions the
// code relies on: every timestamp column is BIGINT milliseconds since the Unix epoch, UTC; JSON
// is text; enums are stored by name.
//
// Everything here is constant data and pure functions: safe from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace gogooku3::storage {

enum class SqlDialect { kSqlite, kPostgres };

struct Migration {
  int version;  // 1, 2, 3, ... with no gaps
  std::string_view description;
  std::string_view sql;  // one or more statements separated by ';'
};

// Created before any migration runs (it cannot be one: it records them). Portable as written.
inline constexpr std::string_view kSchemaMigrationsTableSql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

// Every migration, oldest first.
std::span<const Migration> migrations();

// The version a database reaches once every migration has been applied.
int latest_schema_version();

// The migration's SQL with the dialect's spelling substituted.
std::string migration_sql(const Migration& migration, SqlDialect dialect);

// The migrations a database at `current_version` still needs, oldest first. A database newer
// than this binary is InvalidInput telling the user to upgrade; `database` names it in the
// message.
std::span<const Migration> pending_migrations(int current_version, std::string_view database);

}  // namespace gogooku3::storage
