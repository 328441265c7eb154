#!/usr/bin/env bash
# The main job of `make run`. Until the daily pipeline exists (orchestrator issue), it runs what
# the foundation offers, end to end, against $GOGOOKU3_HOME: the configuration, today's TSE
# status, the coming business days, this year's closed days, and the metadata database.
set -euo pipefail
bin=${1:?usage: run-main-job.sh PATH/TO/gogooku3}
export GOGOOKU3_HOME=${GOGOOKU3_HOME:-var}

section() { printf '\n== %s ==\n' "$*"; }

section "gogooku3 version"
"$bin" version

section "gogooku3 config show"
"$bin" config show

today=$(TZ=Asia/Tokyo date +%F)
year=${today%%-*}
section "gogooku3 calendar --is $today"
"$bin" calendar --is "$today" || true   # exit 1 just means the market is closed today

section "the next 5 business days"
for n in 1 2 3 4 5; do "$bin" calendar --next "$today" -n "$n"; done

section "gogooku3 calendar --holidays --reasons --from $year-01-01 --to $year-12-31"
"$bin" calendar --holidays --reasons --from "$year-01-01" --to "$year-12-31"

section "gogooku3 db info"
"$bin" db info

trading_day=$("$bin" calendar --previous "$(TZ=Asia/Tokyo date -d tomorrow +%F)")
section "a lake round trip for $trading_day (the latest business day): CSV -> Parquet -> lake ls -> parquet cat"
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
cat > "$demo/prices.csv" <<CSV
code,date,open,high,low,close,volume
72030,$trading_day,2850.5,2871.0,2843.0,2866.5,18234500
86970,$trading_day,2047.0,2069.0,2035.0,2045.0,2202500
130A0,$trading_day,,,,,
CSV
partition="$GOGOOKU3_HOME/lake/demo/prices/date=$trading_day/data.parquet"
"$bin" parquet from-csv "$demo/prices.csv" "$partition"
"$bin" lake ls
"$bin" parquet schema "$partition"
"$bin" parquet cat "$partition" --columns code,close,volume
