// Reads a lake that `gogooku3 ingest` filled, with DuckDB, the way a user would
// (read_parquet over date=YYYY-MM-DD/ directories), and checks it against the ingest summary
// and the clean-prices invariants. Prints "ok ..." / "FAIL ..." lines and "lake: N passed, M failed".
//   node lake-duckdb.mjs LAKE_DIR INGEST_SUMMARY_FILE
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [lake, summaryFile] = process.argv.slice(2);
const summary = readFileSync(summaryFile, 'utf8');
const summaryRows = (name) => {
  const match = summary.match(new RegExp(`${name}\\s+(\\d+) rows`));
  if (!match) throw new Error(`${summaryFile} has no "${name} ... rows" line`);
  return Number(match[1]);
};

const db = await DuckDBInstance.create(':memory:');
const connection = await db.connect();
const one = async (sql) => {
  const rows = (await connection.runAndReadAll(sql)).getRows();
  return rows.length ? rows[0].map((v) => (typeof v === 'bigint' ? Number(v) : v)) : [];
};
const files = (dataset) => `read_parquet('${lake}/${dataset}/date=*/data.parquet', hive_partitioning = false)`;

let passed = 0;
let failed = 0;
const check = (name, ok, detail) => {
  if (ok) {
    passed++;
    console.log(`ok ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}: ${detail}`);
  }
};

for (const [dataset, label] of [['raw/bars_daily', 'raw/bars_daily'], ['clean/prices', 'clean/prices'],
  ['raw/equities_master', 'raw/equities_master'], ['raw/topix', 'raw/topix']]) {
  const [count] = await one(`SELECT count(*) FROM ${files(dataset)}`);
  check(`${dataset} row count`, count === summaryRows(label), `DuckDB ${count}, ingest said ${summaryRows(label)}`);
}
const [mismatched] = await one(`SELECT count(*) FROM read_parquet('${lake}/clean/prices/date=*/data.parquet',
  filename = true) WHERE strftime(date, '%Y-%m-%d') <> regexp_extract(filename, 'date=([0-9-]+)', 1)`);
check('clean/prices dates match their partition directory', mismatched === 0, `${mismatched} rows elsewhere`);
const [duplicates] = await one(`SELECT count(*) FROM (SELECT code, date FROM ${files('clean/prices')}
  GROUP BY code, date HAVING count(*) > 1)`);
check('clean/prices code+date unique', duplicates === 0, `${duplicates} repeated keys`);
const [inconsistent] = await one(`SELECT count(*) FROM ${files('clean/prices')}
  WHERE low > least(open, close) OR high < greatest(open, close)`);
check('clean/prices OHLC consistent', inconsistent === 0, `${inconsistent} rows`);
const [halts, partial] = await one(`SELECT count(*) FILTER (WHERE close IS NULL),
  count(*) FILTER (WHERE (close IS NULL) <> (volume IS NULL)) FROM ${files('clean/prices')}`);
check('halts are all-null together', partial === 0, `${partial} partial rows (${halts} halts)`);
// Across every ex-date the forward-adjusted close moves like a normal day (within the TSE
// limit, < 30%), while the raw close jumps by the split ratio.
const [splits, jumps] = await one(`WITH p AS (SELECT code, date, close, adj_close, adjustment_factor,
    lag(adj_close) OVER (PARTITION BY code ORDER BY date) AS previous_adj_close
    FROM ${files('clean/prices')})
  SELECT count(*), count(*) FILTER (WHERE abs(adj_close / previous_adj_close - 1) > 0.3)
  FROM p WHERE adjustment_factor <> 1 AND adj_close IS NOT NULL AND previous_adj_close IS NOT NULL`);
check('adjusted closes continuous across splits', splits > 0 && jumps === 0,
  `${splits} split days, ${jumps} with a jump > 30%`);

console.log(`lake: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
