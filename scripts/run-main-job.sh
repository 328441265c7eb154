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
