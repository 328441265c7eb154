// Three independent Parquet readers, each turning a file into the canonical form that
// compare.mjs checks against our writer's expected JSON (and that duckdb-write.mjs and
// parquet_interop_write emit):
//
//   { "num_rows": 3, "num_row_groups": 2,
//     "columns": [ { "name": "close", "type": "double", "required": false,
//                    "values": [101.5, null, "NaN"] }, ... ],
//     "key_value_metadata": [["k", "v"], ...] }
//
// Types: int8 int16 int32 int64 float double string binary date timestamp_ms timestamp_us
// (anything else is reported as "unsupported:<what the reader said>"). Timestamp columns carry
// "utc": whether isAdjustedToUTC is set. The DuckDB reader adds "duckdb_type", the DESCRIBE type.
// Values: int8/16/32 as JSON numbers; int64 and timestamps as decimal strings of the raw stored
// count (millis or micros since the epoch); dates as YYYY-MM-DD; strings as-is; floats as JSON
// numbers of their exact value (a float widened to double), except a stored NaN ("NaN"),
// infinities ("Infinity", "-Infinity") and negative zero ("-0"), which JSON numbers cannot
// carry; null as null. A reader that does not expose something (row groups, nullability)
// leaves the field out.
import { readFileSync } from 'node:fs';

import { DuckDBInstance } from '@duckdb/node-api';
import { tableFromIPC, Type as ArrowType, TimeUnit as ArrowTimeUnit } from 'apache-arrow';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readParquet } from 'parquet-wasm';

export const READERS = ['duckdb', 'hyparquet', 'parquet-wasm'];

export async function readWith(reader, path) {
  switch (reader) {
    case 'duckdb': return readWithDuckDB(path);
    case 'hyparquet': return readWithHyparquet(path);
    case 'parquet-wasm': return readWithParquetWasm(path);
    default: throw new Error(`unknown reader ${reader}`);
  }
}

// Days since 1970-01-01 to YYYY-MM-DD, proleptic Gregorian (H. Hinnant's civil_from_days).
export function dateFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
                          Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const pad = (n, width) => String(n).padStart(width, '0');
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function canonicalFloat(x) {
  if (x === null || x === undefined) return null;
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (Object.is(x, -0)) return '-0';  // JSON.stringify would print 0
  return x;
}

function canonicalValue(type, value) {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'float':
    case 'double': return canonicalFloat(Number(value));
    case 'int64':
    case 'timestamp_ms':
    case 'timestamp_us': return BigInt(value).toString();
    case 'int8':
    case 'int16':
    case 'int32': return Number(value);
    case 'date': return dateFromDays(Number(value));
    case 'binary': return Buffer.from(value).toString('hex');
    default: return typeof value === 'bigint' ? value.toString() : value;
  }
}

// Key-value pairs sorted by key, then value, as UTF-8 bytes (the order std::sort gives in C++).
export function sortedPairs(pairs) {
  const bytes = (text) => Buffer.from(text, 'utf8');
  return pairs.map(([k, v]) => [k, v]).sort((a, b) =>
    Buffer.compare(bytes(a[0]), bytes(b[0])) || Buffer.compare(bytes(a[1]), bytes(b[1])));
}

// --- DuckDB -------------------------------------------------------------------------------

let duckdbConnection;
async function duckdb() {
  if (!duckdbConnection) {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    duckdbConnection = await instance.connect();
  }
  return duckdbConnection;
}

const DUCKDB_TYPES = {
  TINYINT: 'int8', SMALLINT: 'int16', INTEGER: 'int32', BIGINT: 'int64', FLOAT: 'float',
  DOUBLE: 'double', VARCHAR: 'string', BLOB: 'binary', DATE: 'date',
};

// DuckDB reads every TIMESTAMP as microseconds; the file's unit comes from parquet_schema.
function timestampUnit(logicalType, convertedType) {
  if (/MILLIS=MilliSeconds/.test(logicalType ?? '') || convertedType === 'TIMESTAMP_MILLIS') {
    return 'ms';
  }
  if (/MICROS=MicroSeconds/.test(logicalType ?? '') || convertedType === 'TIMESTAMP_MICROS') {
    return 'us';
  }
  if (/NANOS=NanoSeconds/.test(logicalType ?? '')) return 'ns';
  return undefined;
}

export async function readWithDuckDB(path) {
  const con = await duckdb();
  const schemaRows = (await con.runAndReadAll(
    'SELECT name, type, converted_type, logical_type, repetition_type, num_children ' +
    'FROM parquet_schema(?)', [path])).getRowObjectsJS();
  const leaves = schemaRows.filter((row) => row.num_children === null || row.num_children === 0)
    .filter((row) => row.type !== null);
  const describe = (await con.runAndReadAll('DESCRIBE SELECT * FROM read_parquet(?)', [path]))
    .getRowObjectsJS();
  const kv = (await con.runAndReadAll('SELECT key, value FROM parquet_kv_metadata(?)', [path]))
    .getRowObjectsJS()
    .map((row) => [Buffer.from(row.key).toString('utf8'), Buffer.from(row.value).toString('utf8')]);
  const rowGroups = (await con.runAndReadAll(
    'SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata(?)', [path]))
    .getRowObjectsJS()[0].n;
  const result = await con.runAndReadAll('SELECT * FROM read_parquet(?)', [path]);
  const data = result.getColumns();

  const columns = describe.map((d, i) => {
    const leaf = leaves[i];
    const duckdbType = d.column_type;
    let type = DUCKDB_TYPES[duckdbType];
    let divisor = 1n;
    const column = { name: d.column_name };
    if (duckdbType === 'TIMESTAMP' || duckdbType === 'TIMESTAMP WITH TIME ZONE' ||
        duckdbType === 'TIMESTAMP_MS') {
      const unit = timestampUnit(leaf?.logical_type, leaf?.converted_type);
      if (unit === 'ms' || unit === 'us') {
        type = `timestamp_${unit}`;
        divisor = unit === 'ms' && duckdbType !== 'TIMESTAMP_MS' ? 1000n : 1n;
      }
    }
    column.type = type ?? `unsupported:${duckdbType}`;
    if (leaf) column.required = leaf.repetition_type === 'REQUIRED';
    if (column.type.startsWith('timestamp')) {
      column.utc = duckdbType === 'TIMESTAMP WITH TIME ZONE';
    }
    column.duckdb_type = duckdbType;
    column.values = (data[i] ?? []).map((value) => {
      if (value === null) return null;
      if (column.type === 'date') return dateFromDays(value.days);
      if (column.type.startsWith('timestamp')) {
        const raw = value.micros ?? value.millis;
        if (raw % divisor !== 0n) return `inexact:${raw}/${divisor}`;
        return (raw / divisor).toString();
      }
      if (column.type === 'binary') return Buffer.from(value.bytes).toString('hex');
      return canonicalValue(column.type, value);
    });
    return column;
  });
  return {
    num_rows: result.currentRowCount,
    num_row_groups: Number(rowGroups),
    columns,
    key_value_metadata: sortedPairs(kv),
  };
}

// --- hyparquet ----------------------------------------------------------------------------

function hyparquetType(element) {
  const logical = element.logical_type;
  const converted = element.converted_type;
  switch (element.type) {
    case 'INT32':
      if (converted === 'DATE' || logical?.type === 'DATE') return 'date';
      if (converted === 'INT_8' || (logical?.type === 'INTEGER' && logical.bitWidth === 8 &&
                                    logical.isSigned)) return 'int8';
      if (converted === 'INT_16' || (logical?.type === 'INTEGER' && logical.bitWidth === 16 &&
                                     logical.isSigned)) return 'int16';
      if (converted === undefined || converted === 'INT_32') return 'int32';
      break;
    case 'INT64':
      if (logical?.type === 'TIMESTAMP') {
        if (logical.unit === 'MILLIS') return 'timestamp_ms';
        if (logical.unit === 'MICROS') return 'timestamp_us';
      }
      if (converted === 'TIMESTAMP_MILLIS') return 'timestamp_ms';
      if (converted === 'TIMESTAMP_MICROS') return 'timestamp_us';
      if (converted === undefined || converted === 'INT_64') return 'int64';
      break;
    case 'FLOAT': return 'float';
    case 'DOUBLE': return 'double';
    case 'BYTE_ARRAY':
      if (converted === 'UTF8' || logical?.type === 'STRING') return 'string';
      if (converted === undefined && logical === undefined) return 'binary';
      break;
    default: break;
  }
  return `unsupported:${element.type}/${converted ?? '-'}/${JSON.stringify(logical ?? null)}`;
}

export async function readWithHyparquet(path) {
  const bytes = readFileSync(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const metadata = parquetMetadata(file);
  const leaves = metadata.schema.slice(1);
  // Raw counts instead of hyparquet's default Date objects, which would drop microseconds.
  const parsers = {
    timestampFromMilliseconds: (millis) => millis,
    timestampFromMicroseconds: (micros) => micros,
    dateFromDays: (days) => days,
    stringFromBytes: (bytes) => new TextDecoder('utf-8').decode(bytes),
  };
  let rows = [];
  await parquetRead({
    file, metadata, compressors, parsers, utf8: true, rowFormat: 'array',
    onComplete: (result) => { rows = result; },
  });
  const columns = leaves.map((element, i) => {
    const type = hyparquetType(element);
    const column = { name: element.name, type, required: element.repetition_type === 'REQUIRED' };
    if (type.startsWith('timestamp')) column.utc = Boolean(element.logical_type?.isAdjustedToUTC);
    column.values = rows.map((row) => canonicalValue(type, row[i]));
    return column;
  });
  return {
    num_rows: Number(metadata.num_rows),
    num_row_groups: metadata.row_groups.length,
    columns,
    key_value_metadata: sortedPairs((metadata.key_value_metadata ?? [])
      .map(({ key, value }) => [key, value ?? ''])),
  };
}

// --- parquet-wasm (arrow-rs) -> Arrow IPC -> apache-arrow -----------------------------------

function arrowType(type) {
  switch (type.typeId) {
    case ArrowType.Int:
      if (!type.isSigned) break;
      return { 8: 'int8', 16: 'int16', 32: 'int32', 64: 'int64' }[type.bitWidth];
    case ArrowType.Float:
      return { 1: 'float', 2: 'double' }[type.precision];
    case ArrowType.Utf8:
    case ArrowType.LargeUtf8:
      return 'string';
    case ArrowType.Binary:
    case ArrowType.LargeBinary:
      return 'binary';
    case ArrowType.Date:
      return 'date';
    case ArrowType.Timestamp:
      if (type.unit === ArrowTimeUnit.MILLISECOND) return 'timestamp_ms';
      if (type.unit === ArrowTimeUnit.MICROSECOND) return 'timestamp_us';
      break;
    default: break;
  }
  return `unsupported:${String(type)}`;
}

// Raw stored value of one Arrow slot. apache-arrow's get() turns timestamps into float millis
// and dates into millis, so those are read from the value buffers.
function arrowValue(type, data, index) {
  if (!data.getValid(index)) return null;
  switch (type) {
    case 'date': return data.type.unit === 0 ? data.values[index]
      : Number(BigInt(data.values[index]) / 86400000n);
    case 'timestamp_ms':
    case 'timestamp_us':
    case 'int64': return BigInt.asIntN(64, BigInt(data.values[index]));
    case 'string':
      return new TextDecoder('utf-8').decode(data.values.subarray(
        Number(data.valueOffsets[index]), Number(data.valueOffsets[index + 1])));
    case 'binary':
      return data.values.subarray(Number(data.valueOffsets[index]),
                                  Number(data.valueOffsets[index + 1]));
    default: return data.values[index];
  }
}

export async function readWithParquetWasm(path) {
  const wasmTable = readParquet(new Uint8Array(readFileSync(path)));
  const table = tableFromIPC(wasmTable.intoIPCStream());
  const columns = table.schema.fields.map((field, i) => {
    const type = arrowType(field.type);
    const column = { name: field.name, type, required: !field.nullable };
    if (type.startsWith('timestamp')) column.utc = field.type.timezone != null;
    const values = [];
    for (const data of table.getChildAt(i).data) {
      for (let row = 0; row < data.length; ++row) {
        values.push(canonicalValue(type, arrowValue(type, data, row)));
      }
    }
    column.values = values;
    return column;
  });
  const kv = [...(table.schema.metadata ?? new Map()).entries()]
    .filter(([key]) => key !== 'ARROW:schema');
  return { num_rows: table.numRows, columns, key_value_metadata: sortedPairs(kv) };
}
