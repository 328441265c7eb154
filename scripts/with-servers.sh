#!/usr/bin/env bash
# with-servers.sh CMD...: start the servers the integration tests need, run CMD against them,
# stop them on exit. Each server has a start_<name> function that picks a free port, keeps its
# data and log under one temporary directory, waits (bounded) until it answers, exports the
# variables the tests read and registers itself for shutdown. To add a server (ClickHouse,
# PostgreSQL, Redis), write start_<name> the same way and add it to SERVERS.
#
#   moto (S3): GOGOOKU3_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
#
# moto runs with request signing enforced: it starts unauthenticated, an IAM user with an
# s3:* policy and an access key is created, then /moto-api/reset-auth turns authentication on
# for every later request (moto 5: INITIAL_NO_AUTH_ACTION_COUNT=0). A request signed with a
# wrong secret is checked to get 403 before CMD runs.
set -euo pipefail

SERVERS=(moto)
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

for server in "${SERVERS[@]}"; do
  "start_$server"
done

set +e
"$@"
status=$?
set -e
exit "$status"
