#!/usr/bin/env bash
# The main job of `make run`. Until the daily pipeline exists (orchestrator issue), it runs what
# exists, end to end, against $GOGOOKU3_HOME: the configuration, today's TSE status, the coming
# business days, this year's closed days, the metadata database, the built-in sample market's
# last ~410 business days ingested into the lake (raw, clean and quarantine partitions: the
# feature manifest's window plus a week), and the active features of the last five days
# computed into features/<manifest-hash>/.
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
window=$("$bin" features manifest | awk '/^window/ {print $2}')
first_day=$("$bin" calendar --previous "$trading_day" -n $((window + 5)))
feature_day=$("$bin" calendar --previous "$trading_day" -n 4)
stocks=${GOGOOKU3_RUN_STOCKS:-300}
section "gogooku3 sample info --stocks $stocks: the built-in market, its planted signals and oracle RankIC"
"$bin" sample info --stocks "$stocks"

section "gogooku3 ingest --from $first_day --to $trading_day --source sample --stocks $stocks"
"$bin" ingest --from "$first_day" --to "$trading_day" --source sample --stocks "$stocks" --quiet

section "gogooku3 lake ls"
"$bin" lake ls
partition="$GOGOOKU3_HOME/lake/clean/prices/date=$trading_day/data.parquet"
section "clean/prices for $trading_day: schema and the first rows"
"$bin" parquet schema "$partition"
"$bin" parquet cat "$partition" --columns code,close,volume,cumulative_adjustment,adj_close --limit 7

section "gogooku3 features manifest: the active feature set"
"$bin" features manifest

section "gogooku3 features compute --from $feature_day --to $trading_day"
"$bin" features compute --from "$feature_day" --to "$trading_day"
dataset=$("$bin" features manifest | awk '/^dataset/ {print $2}')
features="$GOGOOKU3_HOME/lake/$dataset/date=$trading_day/data.parquet"
section "$dataset for $trading_day: a few of the 127 columns"
"$bin" parquet cat "$features" --columns code,ret_1d,rsi_14,realized_vol_20,beta_60,cs_rank_ret_5d,smart_money_ratio --limit 7
