#!/usr/bin/env bash
# with-servers.sh CMD...: start the servers the integration tests need, run CMD against them,
# stop them on exit. Each server has a start_<name> function that picks a free port, keeps its
# data and log under one temporary directory, waits (bounded) until it answers, exports the
# variables the tests read and registers itself for shutdown. To add a server (ClickHouse,
# PostgreSQL, Redis), write start_<name> the same way and add it to SERVERS.
#
#   moto (S3): GOGOOKU3_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
#   clickhouse: GOGOOKU3_TEST_CLICKHOUSE_URL (HTTP), _USER, _PASSWORD, _TCP_PORT (native, for
#     clickhouse-client); config from scripts/clickhouse/, data under the temporary directory
#   postgres: GOGOOKU3_TEST_PG_URL (postgresql://gogooku3_test:PASSWORD@127.0.0.1:PORT/
#     gogooku3_test); a cluster of its own under the temporary directory
#
# moto runs with request signing enforced: it starts unauthenticated, an IAM user with an
# s3:* policy and an access key is created, then /moto-api/reset-auth turns authentication on
# for every later request (moto 5: INITIAL_NO_AUTH_ACTION_COUNT=0). A request signed with a
# wrong secret is checked to get 403 before CMD runs.
#
# PostgreSQL is a throwaway cluster (initdb) under the temporary directory, run as the
# `postgres` user when this script runs as root (initdb refuses root), with durability off
# (fsync) since its data dies with the run. The superuser reaches it only through a Unix socket
# inside that directory; the tests' role is no superuser and logs in over TCP with a random
# password (SCRAM), which a wrong password is checked to fail. Its database collates
# linguistically (ICU en-US) where the server can, so that byte-wise ordering of keys is
# something the schema must ask for, not an accident of a C locale.
set -euo pipefail

SERVERS=(moto clickhouse postgres)
START_TIMEOUT_S=${GOGOOKU3_SERVER_START_TIMEOUT_S:-30}

if [[ $# -eq 0 ]]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gogooku3-servers.XXXXXX")
PIDS=()

stop_servers() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK_DIR"
}
trap stop_servers EXIT
trap 'exit 130' INT TERM

# free_port FIRST: the first port from FIRST on that nothing listens on.
free_port() {
  local port=$1
  while (( port < $1 + 200 )); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
    port=$((port + 1))
  done
  echo "no free port in $1..$((port - 1))" >&2
  return 1
}

# fail_start NAME LOG MESSAGE: a server did not come up; show why and stop.
fail_start() {
  echo "with-servers: $1 failed to start: $3" >&2
  echo "---- $2 ----" >&2
  tail -n 60 "$2" >&2 || true
  exit 1
}

# wait_until NAME LOG PID CMD...: retry CMD until it succeeds, the server dies or time runs out.
wait_until() {
  local name=$1 log=$2 pid=$3
  shift 3
  local deadline=$((SECONDS + START_TIMEOUT_S))
  until "$@" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || fail_start "$name" "$log" "the process exited"
    (( SECONDS < deadline )) || fail_start "$name" "$log" "no answer within ${START_TIMEOUT_S}s"
    sleep 0.2
  done
}

start_moto() {
  command -v moto_server >/dev/null || { echo "with-servers: moto_server not on PATH" >&2; exit 1; }
  local dir=$WORK_DIR/moto port endpoint log pid
  mkdir -p "$dir"
  log=$dir/moto.log
  port=$(free_port 9010)
  endpoint=http://127.0.0.1:$port
  (cd "$dir" && exec moto_server -H 127.0.0.1 -p "$port") >"$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_until moto "$log" "$pid" curl -sf -o /dev/null "$endpoint/moto-api/"

  local credentials
  credentials=$(python3 - "$endpoint" 2>>"$log" <<'PY'
import json, sys
import boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="gogooku3-test")
iam.put_user_policy(UserName="gogooku3-test", PolicyName="s3-all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
key = iam.create_access_key(UserName="gogooku3-test")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
PY
  ) || fail_start moto "$log" "could not create the IAM test user"
  read -r AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY <<<"$credentials"
  curl -sf -o /dev/null -X POST -H "Content-Type: text/plain" --data-binary 0 \
    "$endpoint/moto-api/reset-auth" || fail_start moto "$log" "could not turn authentication on"

  # The tests rely on a wrong secret being refused: check it, and that the right one works.
  local empty_sha=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 code
  code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:wrong-secret" -H "x-amz-content-sha256: $empty_sha" "$endpoint/")
  [[ $code == 403 ]] || fail_start moto "$log" "a wrong secret got HTTP $code, not 403"
  code=$(curl -s -o /dev/null -w '%{http_code}' --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "x-amz-content-sha256: $empty_sha" \
    "$endpoint/")
  [[ $code == 200 ]] || fail_start moto "$log" "the test credentials got HTTP $code, not 200"

  export GOGOOKU3_TEST_S3_ENDPOINT=$endpoint AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
  # moto verifies signatures against the IRI form of the request line (see S3Options).
  export GOGOOKU3_TEST_S3_IRI=1 AWS_REGION=us-east-1
  unset AWS_SESSION_TOKEN AWS_ENDPOINT_URL
  echo "with-servers: moto (S3, auth on) at $endpoint, log $log" >&2
}

start_clickhouse() {
  local server
  server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
  [[ -x $server ]] || { echo "with-servers: clickhouse-server is not installed" >&2; exit 1; }
  local dir=$WORK_DIR/clickhouse http_port tcp_port log pid password
  mkdir -p "$dir"/{data,tmp,user_files,format_schemas}
  log=$dir/server.log
  http_port=$(free_port 18123)
  tcp_port=$(free_port 19000)
  password=gogooku3-test-$RANDOM$RANDOM
  local templates
  templates=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/clickhouse
  sed -e "s|@DIR@|$dir|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@TCP_PORT@|$tcp_port|g" \
    "$templates/config.xml" >"$dir/config.xml"
  sed -e "s|@PASSWORD@|$password|g" "$templates/users.xml" >"$dir/users.xml"
  touch "$log"
  "$server" --config-file="$dir/config.xml" >"$dir/stdout.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_until clickhouse "$log" "$pid" curl -sf -o /dev/null "http://127.0.0.1:$http_port/ping"
  local version
  version=$(curl -sf -u "gogooku3:$password" --data-binary "SELECT version()" \
    "http://127.0.0.1:$http_port/") || fail_start clickhouse "$log" "the test user was refused"
  export GOGOOKU3_TEST_CLICKHOUSE_URL=http://127.0.0.1:$http_port
  export GOGOOKU3_TEST_CLICKHOUSE_USER=gogooku3 GOGOOKU3_TEST_CLICKHOUSE_PASSWORD=$password
  export GOGOOKU3_TEST_CLICKHOUSE_TCP_PORT=$tcp_port
  echo "with-servers: clickhouse $version at http://127.0.0.1:$http_port (native $tcp_port), log $log" >&2
}

start_postgres() {
  local bin='' dir=$WORK_DIR/postgres port log pid password url as_owner=() candidate
  # The newest installed server programs: Debian keeps them out of PATH.
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) \
    "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")"; do
    [[ -x $candidate/initdb && -x $candidate/postgres ]] && { bin=$candidate; break; }
  done
  [[ -n $bin ]] || { echo "with-servers: PostgreSQL (initdb) not found; run scripts/install-deps.sh" >&2; exit 1; }
  mkdir -p "$dir"
  log=$dir/postgres.log
  if [[ $(id -u) == 0 ]]; then
    # setpriv execs rather than forking, so $! below is the postmaster itself and stop_servers'
    # SIGTERM reaches it (a smart shutdown: the tests have disconnected by then).
    as_owner=(setpriv --reuid=postgres --regid=postgres --init-groups --)
    chmod 711 "$WORK_DIR"  # postgres must reach its directory, not read the others
    chown postgres: "$dir"
  fi
  port=$(free_port 5440)
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')

  "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$log" 2>&1 ||
    fail_start postgres "$log" "initdb failed"
  "${as_owner[@]}" "$bin/postgres" -D "$dir/data" -h 127.0.0.1 -p "$port" -k "$dir" \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off >>"$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_until postgres "$log" "$pid" "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"

  local superuser=("${as_owner[@]}" "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port"
                   -U postgres -d postgres)
  "${superuser[@]}" -c "CREATE ROLE gogooku3_test LOGIN PASSWORD '$password'" >>"$log" 2>&1 ||
    fail_start postgres "$log" "could not create the test role"
  "${superuser[@]}" -c "CREATE DATABASE gogooku3_test OWNER gogooku3_test TEMPLATE template0
                        LOCALE_PROVIDER icu ICU_LOCALE 'en-US'" >>"$log" 2>&1 ||
    "${superuser[@]}" -c "CREATE DATABASE gogooku3_test OWNER gogooku3_test" >>"$log" 2>&1 ||
    fail_start postgres "$log" "could not create the test database"

  # The tests rely on the password being required: check that a wrong one is refused over TCP
  # and that the right one works.
  url=postgresql://gogooku3_test:$password@127.0.0.1:$port/gogooku3_test
  if "$bin/psql" -X -q -d "postgresql://gogooku3_test:wrong@127.0.0.1:$port/gogooku3_test" \
    -c 'SELECT 1' >/dev/null 2>&1; then
    fail_start postgres "$log" "a wrong password was accepted"
  fi
  "$bin/psql" -X -q -d "$url" -c 'SELECT 1' >/dev/null 2>>"$log" ||
    fail_start postgres "$log" "the test role cannot log in with its password"

  export GOGOOKU3_TEST_PG_URL=$url
  echo "with-servers: postgres at 127.0.0.1:$port (database gogooku3_test), log $log" >&2
}

for server in "${SERVERS[@]}"; do
  "start_$server"
done

set +e
"$@"
status=$?
set -e
exit "$status"
