// Prints what DuckDB, hyparquet and parquet-wasm each read from Parquet files, in the canonical
// JSON form of readers.mjs: one JSON object per line, { "file", "reader", ...canonical } (or
// { "file", "reader", "error" } when a reader rejects the file).
//
//   node read.mjs FILE.parquet...
import { READERS, readWith } from './readers.mjs';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node read.mjs FILE.parquet...');
  process.exit(2);
}
let failed = false;
for (const file of files) {
  for (const reader of READERS) {
    try {
      console.log(JSON.stringify({ file, reader, ...(await readWith(reader, file)) }));
    } catch (error) {
      failed = true;
      console.log(JSON.stringify({ file, reader, error: String(error?.message ?? error) }));
    }
  }
}
process.exit(failed ? 1 : 0);
