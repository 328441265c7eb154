#!/usr/bin/env bash
# The main job of `make run`: `gogooku3 demo` against $GOGOOKU3_HOME — the built-in sample
# market's history backfilled into the lake by the orchestrator (raw, clean, quarantine and
# feature partitions, chunked and resumable), then the daily job for the latest closed business
# day — followed by a look at what it left: the partition status, the runs, and the features.
# GOGOOKU3_RUN_STOCKS sets the universe (300 by default; 4000 is the full TSE).
set -euo pipefail
bin=${1:?usage: run-main-job.sh PATH/TO/gogooku3}
export GOGOOKU3_HOME=${GOGOOKU3_HOME:-var}
stocks=${GOGOOKU3_RUN_STOCKS:-300}

section() { printf '\n== %s ==\n' "$*"; }

section "gogooku3 version"
"$bin" version

section "gogooku3 demo --stocks $stocks"
"$bin" demo --stocks "$stocks"

section "gogooku3 status: every asset over the last 20 business days"
"$bin" status

section "gogooku3 runs"
"$bin" runs --limit 5

trading_day=$("$bin" calendar --previous "$(TZ=Asia/Tokyo date -d tomorrow +%F)")
dataset=$("$bin" features manifest | awk '/^dataset/ {print $2}')
features="$GOGOOKU3_HOME/lake/$dataset/date=$trading_day/data.parquet"
if [[ -f $features ]]; then
  section "$dataset for $trading_day: a few of the 127 columns"
  "$bin" parquet cat "$features" --columns code,ret_1d,rsi_14,realized_vol_20,beta_60,cs_rank_ret_5d,smart_money_ratio --limit 7
fi
