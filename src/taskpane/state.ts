// The pane's session: what the panels share (sources, link rules, the last refresh, reports written, alert settings).
import * as React from 'react';
import type { SampleOptions } from '../core/sample';
import type { LedgerContext, LedgerResult } from '../core/ledger';
import type { RecordKind } from '../sources/files';
import type { ColumnMapping } from '../sources/generic';
import { DEFAULT_LINK_RULES, type LinkRules } from '../sources/links';
import type { WorkbookHost } from '../workbook';
import { incompleteText, type RefreshOutcome } from './services/refresh';
import type { Progress } from './services/refresh-core';
import type { ReportWritten } from './services/reports';
import type { Services } from './services/types';
import type { StoredLedger } from './services/ledger-read';
import type { DailySeries } from '../core/daily';

export interface SourceEntry {
  id: string;
  name: string;
  type: 'file' | 'sample' | 'api';
  /** a SourceFormat, 'sample', or the API source key */
  format: string;
  label: string;
  /** canonical files: which records they hold */
  kind?: RecordKind;
  text?: string;
  /** the file itself (canonical files: read by the refresh worker, never as text on the page) */
  file?: Blob;
  bytes?: number;
  /** the file could not be recognized (not imported) */
  error?: string;
  /** a text file in no known format: its columns can be mapped (the Sources tab shows the mapping step) */
  mappable?: boolean;
  /** the column mapping of a file read as format "generic" */
  mapping?: ColumnMapping;
  sample?: SampleOptions;
  baseUrl?: string;
  /** non-secret pull settings (dates, JQL…), saved with the workbook */
  settings?: Record<string, unknown>;
  /** credential keys stored per user for this API source (never the values) */
  credentialKeys?: string[];
}

export interface AlertSettings {
  on: boolean;
  /** percent above target */
  alertPct: number;
  /** percent of the invoice */
  trueupPct: number;
}

export interface RefreshState {
  running: boolean;
  progress: Progress | null;
  error: string | null;
  outcome: RefreshOutcome | null;
}

/** The Ledger already in the workbook (from an earlier session's Refresh), read when this session has not refreshed. */
export interface StoredLedgerState {
  loading: boolean;
  /** null: not read yet, or the workbook has no Ledger sheet */
  ledger: StoredLedger | null;
  error: string | null;
}

/** What Reports, Alerts and Trends work from: this session's refresh, else the Ledger already in the workbook. */
export interface LedgerData {
  result: LedgerResult;
  ctx: LedgerContext;
  /** true when read back from the workbook rather than computed by a refresh in this session */
  fromWorkbook: boolean;
  /** the daily series (refresh), or read back from the Daily sheet; null without one */
  daily: DailySeries | null;
  /** set when the refresh was incomplete (a source failed or stopped early): the line reports carry */
  incomplete?: string;
  /** the workbook's Ledger predates the work_items column: the first report rewrites it (same rows) */
  countsMissing?: boolean;
}

export function ledgerData(s: Pick<Session, 'refresh' | 'stored'>): LedgerData | null {
  const o = s.refresh.outcome;
  if (o) return { result: o.computed.result, ctx: o.computed.ctx, fromWorkbook: false, incomplete: incompleteText(o.summary.incomplete), daily: o.computed.daily ?? null };
  return s.stored.ledger ? { result: s.stored.ledger.result, ctx: s.stored.ledger.ctx, fromWorkbook: true, daily: s.stored.ledger.daily ?? null, countsMissing: s.stored.ledger.countsMissing } : null;
}

export interface Session {
  host: WorkbookHost;
  services: Services;
  sources: SourceEntry[];
  setSources: React.Dispatch<React.SetStateAction<SourceEntry[]>>;
  links: LinkRules;
  setLinks: (l: LinkRules) => void;
  refresh: RefreshState;
  startRefresh: () => void;
  stored: StoredLedgerState;
  /** ledgerData(refresh, stored), memoized: the same object while neither changes */
  ledger: LedgerData | null;
  /** (re)reads the workbook's Ledger sheet into `stored` */
  loadStored: () => void;
  cancelRefresh: () => void;
  reports: ReportWritten[];
  addReport: (r: ReportWritten) => void;
  alerts: AlertSettings;
  setAlerts: (a: AlertSettings) => void;
}

export const SessionContext = React.createContext<Session | null>(null);

export function useSession(): Session {
  const s = React.useContext(SessionContext);
  if (!s) throw new Error('useSession outside the App');
  return s;
}

export const DEFAULT_ALERTS: AlertSettings = { on: true, alertPct: 5, trueupPct: 1 };
export const initialLinks = (): LinkRules => structuredCloneSafe(DEFAULT_LINK_RULES);

function structuredCloneSafe<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

let seq = 0;
export const newId = (p: string) => `${p}-${Date.now().toString(36)}-${(++seq).toString(36)}`;
