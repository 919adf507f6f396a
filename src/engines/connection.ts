// What the ledger engine needs from a SQL database: run statements, read small results, and load small tables.
import type { Dialect } from './dialect';

export type SqlType = 'text' | 'double' | 'int';

export interface SqlColumn {
  name: string;
  type: SqlType;
}

export type SqlValue = string | number | null;

export interface SqlConnection {
  readonly dialect: Dialect;
  /** runs a statement (DDL, INSERT … SELECT) */
  exec(sql: string): Promise<void>;
  /** runs a query and returns its rows as objects; numbers as JS numbers (64-bit integers within 2^53) */
  query<T = Record<string, SqlValue>>(sql: string): Promise<T[]>;
  /** streams a query's rows in batches (large results: ledger rows) */
  stream(sql: string, onRows: (rows: Record<string, SqlValue>[]) => void): Promise<void>;
  /** creates a scratch table and fills it with rows (dictionaries computed in JavaScript; typed events of the JS loader) */
  createAndInsert(table: string, columns: SqlColumn[], rows: SqlValue[][]): Promise<void>;
  /** appends rows to a table made by `createAndInsert` */
  insert(table: string, columns: SqlColumn[], rows: SqlValue[][]): Promise<void>;
  close(): Promise<void>;
}
