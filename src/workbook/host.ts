// The one contract every host implements (DESIGN.md §6, "one contract per capability"): Excel via Office.js,
// .xlsx files via ExcelJS, and the HyperFormula preview. The task pane and the CLI code against this only.
import type { CellValue, SheetSpec, WorkbookSpec } from './spec';

export interface WriteOptions {
  /** make the sheet active after writing */
  activate?: boolean;
  /** progress in cells written, for long writes */
  onProgress?: (done: number, total: number) => void;
}

/** Non-secret settings stored with the workbook (readable by anyone who has the file: never put a key here). */
export interface HostSettings {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface WorkbookHost {
  /** Writes one sheet and its names; an existing sheet of that name is replaced, never duplicated. */
  writeSheet(spec: SheetSpec, opts?: WriteOptions): Promise<void>;
  /** Writes every sheet in order, then the workbook's names. */
  writeWorkbook(spec: WorkbookSpec, opts?: WriteOptions): Promise<void>;
  /** The used range's computed values from A1 (row 0 = row 1), or null when there is no such sheet. */
  readSheet(name: string): Promise<CellValue[][] | null>;
  listSheets(): Promise<string[]>;
  /** Shows the sheet, optionally selecting a cell ("B4"). */
  activate(name: string, cell?: string): Promise<void>;
  settings: HostSettings;
}

/** Settings keys must not look like they hold a secret; hosts call this before storing. */
export function assertNotSecretSetting(key: string, value: string): void {
  if (/(api[-_]?key|secret|token|password|bearer|authorization)/i.test(key) || /^(sk-|sk_|Bearer\s)/.test(value.trim())) {
    throw new Error(`setting "${key}": secrets are not stored in the workbook (anyone with the file can read its settings)`);
  }
}
