// The table of every configuration key. Adding a key here is the whole job: defaults,
// validation, `config show` and the example-file test all read this table. Keep
// config/gogooku3.example.yaml in step (tests/core/config_test.cpp checks it).
#include <array>

#include "core/config.h"

namespace gogooku3 {
namespace {

constexpr std::array kKeys = {
    ConfigKey{"metadata.url", ConfigKind::kString, "sqlite:${GOGOOKU3_HOME}/gogooku3.db",
              "GOGOOKU3_DB_URL", false,
              "Metadata database (runs, events, partition status, checks): sqlite:PATH or "
              "postgresql://USER:PASSWORD@HOST:PORT/DATABASE"},
    ConfigKey{"log.level", ConfigKind::kString, "info", "GOGOOKU3_LOG_LEVEL", false,
              "Console and file log level: trace, debug, info, warn, error"},
    ConfigKey{"log.file", ConfigKind::kPath, "${GOGOOKU3_HOME}/logs/gogooku3.jsonl",
              "GOGOOKU3_LOG_FILE", false,
              "JSON-lines log file (one object per line); empty turns the file sink off"},
    ConfigKey{"calendar.overrides_file", ConfigKind::kPath, "", "", false,
              "YAML file correcting single days of the TSE calendar; empty: rules only"},
    ConfigKey{"lake.root", ConfigKind::kString, "file://${GOGOOKU3_HOME}/lake", "GOGOOKU3_LAKE",
              false, "Data lake root: file:///abs/dir, a path, or s3://bucket[/prefix]"},
    ConfigKey{"lake.s3.endpoint", ConfigKind::kString, "", "AWS_ENDPOINT_URL", false,
              "S3 endpoint URL (http://host:port for S3-compatible servers); empty: AWS"},
    ConfigKey{"lake.s3.region", ConfigKind::kString, "us-east-1", "AWS_REGION", false,
              "S3 region used for request signing"},
    ConfigKey{"lake.s3.path_style", ConfigKind::kBoolean, "false", "GOGOOKU3_S3_PATH_STYLE", false,
              "true: ENDPOINT/bucket/key addressing; false: bucket.ENDPOINT/key (virtual host)"},
    ConfigKey{"lake.s3.iri_request_line", ConfigKind::kBoolean, "false",
              "GOGOOKU3_S3_IRI_REQUEST_LINE", false,
              "Sign the request line as an IRI, for S3 servers that check signatures that way "
              "(moto); false for AWS and most servers"},
    ConfigKey{"lake.s3.multipart_threshold_mb", ConfigKind::kInteger, "16", "", false,
              "Objects larger than this many MiB are uploaded to S3 in parts"},
    ConfigKey{"jquants.base_url", ConfigKind::kString, "https://api.jquants.com/v2",
              "GOGOOKU3_JQUANTS_BASE_URL", false,
              "J-Quants v2 API base URL (a fake server's URL in tests)"},
    ConfigKey{"jquants.plan", ConfigKind::kString, "light", "GOGOOKU3_JQUANTS_PLAN", false,
              "J-Quants subscription plan: free, light, standard or premium"},
    ConfigKey{"jquants.requests_per_minute", ConfigKind::kNumber, "0", "", false,
              "J-Quants requests per minute; 0: the plan's rate (5, 60, 120, 500)"},
    ConfigKey{"jquants.max_in_flight", ConfigKind::kInteger, "4", "", false,
              "J-Quants requests open at once"},
    ConfigKey{"jquants.max_attempts", ConfigKind::kInteger, "6", "", false,
              "Attempts per J-Quants request before a failure is reported"},
    ConfigKey{"jquants.timeout_seconds", ConfigKind::kInteger, "60", "", false,
              "Seconds one J-Quants request (body included) may take"},
    ConfigKey{"features.manifest", ConfigKind::kPath, "", "GOGOOKU3_FEATURES_MANIFEST", false,
              "Feature manifest YAML; empty: the built-in config/features.yaml"},
    ConfigKey{"features.threads", ConfigKind::kInteger, "0", "", false,
              "Threads computing features (stocks in parallel); 0: every core"},
    ConfigKey{"pipeline.source", ConfigKind::kString, "auto", "GOGOOKU3_SOURCE", false,
              "Where the pipeline fetches from: sample, jquants, or auto (jquants when "
              "JQUANTS_API_KEY is set, else the sample market)"},
    ConfigKey{"orchestrator.threads", ConfigKind::kInteger, "4", "", false,
              "Steps a run executes at once"},
    ConfigKey{"scheduler.catch_up_days", ConfigKind::kInteger, "5", "", false,
              "Business days before today the scheduler catches up on start"},
    ConfigKey{"scheduler.poll_seconds", ConfigKind::kInteger, "60", "", false,
              "Seconds between polls of the source while waiting for the day's bars"},
    ConfigKey{"warehouse.clickhouse.url", ConfigKind::kString, "", "GOGOOKU3_CLICKHOUSE_URL", false,
              "ClickHouse HTTP interface (http://host:8123) the pipeline also loads prices and "
              "features into; empty: no warehouse"},
    ConfigKey{"warehouse.clickhouse.user", ConfigKind::kString, "default",
              "GOGOOKU3_CLICKHOUSE_USER", false, "ClickHouse user"},
    ConfigKey{"warehouse.clickhouse.password", ConfigKind::kString, "",
              "GOGOOKU3_CLICKHOUSE_PASSWORD", true,
              "ClickHouse password (prefer the environment variable to the file)"},
    ConfigKey{"warehouse.clickhouse.database", ConfigKind::kString, "gogooku3",
              "GOGOOKU3_CLICKHOUSE_DATABASE", false,
              "ClickHouse database of the warehouse tables (created when missing)"},
    ConfigKey{"sample.seed", ConfigKind::kInteger, "42", "", false,
              "Seed of the sample market (gogooku3 sample, ingest --source sample)"},
    ConfigKey{"sample.stocks", ConfigKind::kInteger, "4000", "", false,
              "Stocks in the sample market's universe at its start (10..20000)"},
    ConfigKey{"sample.start_date", ConfigKind::kString, "2016-01-04", "", false,
              "First day the sample market simulates (a TSE business day)"},
};

}  // namespace

std::span<const ConfigKey> config_keys() { return kKeys; }

const ConfigKey* find_config_key(std::string_view name) {
  for (const ConfigKey& key : kKeys) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

}  // namespace gogooku3
