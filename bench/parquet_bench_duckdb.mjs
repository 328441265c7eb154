// DuckDB's side of bench/parquet_bench.cpp, which runs it and parses what it prints.
//
// Loads SOURCE (the file gogooku3 just wrote) into an in-memory table, untimed, so that both
// sides write the same values; then, first with DuckDB's default thread count and then with
// SET threads=1, times (best of REPEATS):
//   write:          COPY features TO 'OUT_DIR/duckdb.parquet' (FORMAT PARQUET, COMPRESSION zstd)
//   full read:      SELECT * FROM read_parquet(...), materialized in DuckDB's result chunks;
//                   nothing is converted to JS values, as gogooku3's read() builds no row objects
//   projected read: SELECT code, date, f00 FROM read_parquet(...), materialized the same way
//
//   node --expose-gc parquet_bench_duckdb.mjs SOURCE OUT_DIR REPEATS ROWS
// @duckdb/node-api comes from tests/interop/node_modules (npm ci there).
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(new URL('../tests/interop/package.json', import.meta.url));
const { DuckDBInstance } = require('@duckdb/node-api');

const [source, outDir, repeatsText, rowsText] = process.argv.slice(2);
if (!source || !outDir) {
  console.error('usage: node --expose-gc parquet_bench_duckdb.mjs SOURCE OUT_DIR REPEATS ROWS');
  process.exit(2);
}
const repeats = Number(repeatsText ?? 2);
const rows = Number(rowsText ?? 0);
const target = join(outDir, 'duckdb.parquet');
const quote = (path) => `'${path.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const scalar = async (sql) => (await connection.runAndReadAll(sql)).getRows()[0][0];

// A materialized result owns its chunks until JS collects it; collect between runs so that
// one run's result does not sit in memory during the next.
const collect = () => globalThis.gc?.();

async function bestSeconds(work) {
  let best = Infinity;
  for (let i = 0; i < repeats; ++i) {
    collect();
    const start = process.hrtime.bigint();
    await work();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

async function materialize(sql) {
  const result = await connection.run(sql);
  if (rows && result.rowCount !== rows) {
    throw new Error(`${sql}: ${result.rowCount} rows, expected ${rows}`);
  }
}

await connection.run(`CREATE TABLE features AS SELECT * FROM read_parquet(${quote(source)})`);
console.log(`version ${await scalar('SELECT version()')}`);
console.log(`default_threads ${await scalar("SELECT current_setting('threads')")}`);

for (const threads of [null, 1]) {
  if (threads !== null) await connection.run(`SET threads = ${threads}`);
  const used = await scalar("SELECT current_setting('threads')");
  const writeS = await bestSeconds(() => connection.run(
    `COPY features TO ${quote(target)} (FORMAT PARQUET, COMPRESSION zstd)`));
  const fullReadS = await bestSeconds(() => materialize(
    `SELECT * FROM read_parquet(${quote(target)})`));
  const projectedReadS = await bestSeconds(() => materialize(
    `SELECT code, date, f00 FROM read_parquet(${quote(target)})`));
  const fileBytes = statSync(target).size;
  console.log(`run threads=${used} write_s=${writeS} full_read_s=${fullReadS} ` +
    `projected_read_s=${projectedReadS} file_bytes=${fileBytes}`);
}

const hwm = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+)/m);
if (hwm) console.log(`peak_rss_kib ${hwm[1]}`);
connection.closeSync();
instance.closeSync();
