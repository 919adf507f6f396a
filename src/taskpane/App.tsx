import * as React from 'react';
import { Body1, Caption1, MessageBar, MessageBarBody, Tab, TabList, Title3, makeStyles, tokens, type SelectTabData } from '@fluentui/react-components';
import type { WorkbookHost } from '../workbook';
import { parseLinkRules, type LinkRules } from '../sources/links';
import type { SourceFormat } from '../sources/formats';
import { defaultServices } from './services/defaults';
import { refreshWorkbook } from './services/refresh';
import { readLedgerFromHost } from './services/ledger-read';
import { hasLedger } from './services/workbook-io';
import { RefreshCancelled, type FileContent, type SourceInput } from './services/refresh-core';
import type { ReportWritten } from './services/reports';
import type { RefreshRunner } from './services/runner';
import type { Services } from './services/types';
import { DEFAULT_ALERTS, SessionContext, initialLinks, type AlertSettings, ledgerData, type RefreshState, type Session, type SourceEntry, type StoredLedgerState } from './state';
import { SourcesPanel } from './panels/SourcesPanel';
import { RefreshPanel } from './panels/RefreshPanel';
import { ReportsPanel } from './panels/ReportsPanel';
import { AlertsPanel } from './panels/AlertsPanel';
import { TrendsPanel } from './panels/TrendsPanel';
import { MaturityPanel } from './panels/MaturityPanel';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalM, minWidth: '280px', boxSizing: 'border-box' },
  tabs: { flexWrap: 'wrap', rowGap: tokens.spacingVerticalXS },
  panel: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

export const TABS = ['Sources', 'Refresh', 'Reports', 'Alerts', 'Trends', 'Maturity'] as const;
export type TabName = (typeof TABS)[number];

export interface AppProps {
  /** the workbook (ExcelHost in Excel, PreviewHost in the workbench), or null in a plain browser */
  host: WorkbookHost | null;
  /** "Excel", "Workbench"… shown to the user */
  hostName?: string | null;
  services?: Partial<Services>;
  /** the tab shown first (tests) */
  initialTab?: TabName;
}

/** A file source's content for the refresh: the File when the pane kept it (canonical files), else its text. */
const fileContent = (s: SourceEntry): FileContent => (s.file ? { file: s.file } : { text: s.text ?? '' });

const LINKS_KEY = 'ailabor.linkRules';
const API_KEY = 'ailabor.apiSources';

export function App({ host, hostName, services, initialTab }: AppProps) {
  const styles = useStyles();
  if (!host) {
    return (
      <main className={styles.root} aria-label="AI Labor Ledger">
        <Title3 as="h1">AI Labor Ledger</Title3>
        <Body1>Fully loaded cost per outcome of your AI agents: chargeback, budget, migration payback and SLO monitoring.</Body1>
        <MessageBar intent="warning">
          <MessageBarBody>Not running inside Excel: open this add-in from Excel (see the README&apos;s sideloading steps), or run `npm start` for the browser workbench.</MessageBarBody>
        </MessageBar>
        <Caption1>{'Try =AILABOR.TOKENCOST("gpt-4o",1000000,1000000) → 12.5'}</Caption1>
      </main>
    );
  }
  return <Pane host={host} hostName={hostName ?? null} services={services} initialTab={initialTab} />;
}

function Pane({ host, hostName, services: overrides, initialTab }: { host: WorkbookHost; hostName: string | null; services?: Partial<Services>; initialTab?: TabName }) {
  const styles = useStyles();
  const services = React.useMemo(() => defaultServices(overrides, hostName === 'Excel'), [overrides, hostName]);
  const [tab, setTab] = React.useState<TabName>(initialTab ?? 'Sources');
  const [sources, setSources] = React.useState<SourceEntry[]>([]);
  const [links, setLinksState] = React.useState<LinkRules>(initialLinks);
  const [refresh, setRefresh] = React.useState<RefreshState>({ running: false, progress: null, error: null, outcome: null });
  const [reports, setReports] = React.useState<ReportWritten[]>([]);
  const [alerts, setAlertsState] = React.useState<AlertSettings>(DEFAULT_ALERTS);
  const runner = React.useRef<RefreshRunner | null>(null);
  const [stored, setStored] = React.useState<StoredLedgerState>({ loading: false, ledger: null, error: null });
  const loadSeq = React.useRef(0);

  // A workbook reopened in a new session keeps its Ledger sheet: read it so the reports work without a Refresh.
  const loadStored = React.useCallback(() => {
    const n = ++loadSeq.current;
    const none: StoredLedgerState = { loading: false, ledger: null, error: null };
    (async () => {
      // No Ledger sheet (a new workbook): leave the state as it is, so nothing re-renders.
      if (!(await hasLedger(host))) return none;
      if (n === loadSeq.current) setStored((s) => ({ ...s, loading: true, error: null }));
      return { loading: false, ledger: await readLedgerFromHost(host), error: null };
    })().then(
      (next) => {
        if (n === loadSeq.current) setStored((s) => (next.ledger === null && s.ledger === null && !s.loading && !s.error ? s : next));
      },
      (e: unknown) => {
        if (n === loadSeq.current) setStored({ loading: false, ledger: null, error: `Could not read the Ledger sheet: ${(e as Error).message}` });
      },
    );
  }, [host]);
  const refreshed = refresh.outcome !== null;
  React.useEffect(() => {
    if (!refreshed) loadStored();
  }, [refreshed, loadStored]);
  // Opening a tab that reads the ledger reads it again (the user may have edited or replaced the sheet meanwhile).
  const firstTab = React.useRef(true);
  React.useEffect(() => {
    if (firstTab.current) {
      firstTab.current = false;
      return;
    }
    if (!refreshed && (tab === 'Reports' || tab === 'Alerts' || tab === 'Trends')) loadStored();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tab]);

  // Saved link rules and API sources (no secrets: those are in per-user storage) come back with the workbook.
  React.useEffect(() => {
    let live = true;
    (async () => {
      try {
        const l = await host.settings.get(LINKS_KEY);
        if (live && l) setLinksState(parseLinkRules(JSON.parse(l)));
      } catch {
        // unreadable saved rules: keep the defaults
      }
      try {
        const a = await host.settings.get(API_KEY);
        if (live && a) {
          const saved = JSON.parse(a) as SourceEntry[];
          setSources((s) => [...s, ...saved.filter((x) => x.type === 'api' && !s.some((y) => y.id === x.id))]);
        }
      } catch {
        // ignore
      }
    })();
    return () => {
      live = false;
    };
  }, [host]);

  const setLinks = React.useCallback(
    (l: LinkRules) => {
      setLinksState(l);
      host.settings.set(LINKS_KEY, JSON.stringify(l)).catch(() => undefined);
    },
    [host],
  );

  const setSourcesSaved: React.Dispatch<React.SetStateAction<SourceEntry[]>> = React.useCallback(
    (u) => {
      setSources((prev) => {
        const next = typeof u === 'function' ? u(prev) : u;
        const api = next.filter((s) => s.type === 'api').map(({ id, name, type, format, label, baseUrl, settings, credentialKeys }) => ({ id, name, type, format, label, baseUrl, settings, credentialKeys }));
        host.settings.set(API_KEY, JSON.stringify(api)).catch(() => undefined);
        return next;
      });
    },
    [host],
  );

  const startRefresh = () => {
    if (runner.current) return;
    const r = services.createRunner();
    runner.current = r;
    setRefresh((s) => ({ ...s, running: true, error: null, progress: { step: 'Starting', done: 0, total: 1000 } }));
    (async () => {
      const inputs: SourceInput[] = [];
      for (const s of sources) {
        if (s.error) continue;
        if (s.type === 'sample') inputs.push({ id: s.id, name: s.name, type: 'sample', options: s.sample ?? services.sample });
        else if (s.type === 'api') {
          const credentials: Record<string, string> = {};
          for (const k of s.credentialKeys ?? []) {
            const v = await services.credentials.get(`${s.id}.${k}`);
            if (v) credentials[k] = v;
          }
          inputs.push({ id: s.id, name: s.name, type: 'api', format: s.format, baseUrl: s.baseUrl ?? '', settings: s.settings, credentials });
        } else if (s.format === 'canonical') inputs.push({ id: s.id, name: s.name, type: 'file', format: 'canonical', kind: s.kind ?? 'usage', ...fileContent(s) });
        else inputs.push({ id: s.id, name: s.name, type: 'file', format: s.format as Exclude<SourceFormat, 'canonical'>, ...fileContent(s), ...(s.mapping ? { options: s.mapping as unknown as Record<string, unknown> } : {}) });
      }
      return refreshWorkbook({ host, sources: inputs, links, runner: r, functionStore: services.functionStore, onProgress: (p) => setRefresh((s) => ({ ...s, progress: p })) });
    })().then(
      // a transition: the summary, per-source counts and every tab reading the new ledger render in slices
      (outcome) => React.startTransition(() => setRefresh({ running: false, progress: null, error: null, outcome })),
      (e: unknown) => setRefresh((s) => ({ ...s, running: false, progress: null, error: e instanceof RefreshCancelled ? e.message : `Refresh failed: ${(e as Error).message}` })),
    ).finally(() => {
      runner.current = null;
    });
  };

  const cancelRefresh = React.useCallback(() => runner.current?.cancel(), []);
  const addReport = React.useCallback((w: ReportWritten) => setReports((rs) => [...rs.filter((x) => x.sheet !== w.sheet), w]), []);

  const ledger = React.useMemo(() => ledgerData({ refresh, stored }), [refresh.outcome, stored.ledger]); // eslint-disable-line react-hooks/exhaustive-deps
  const session: Session = {
    host, services, sources, setSources: setSourcesSaved, links, setLinks, refresh, startRefresh, stored, ledger, loadStored, cancelRefresh, reports, addReport, alerts, setAlerts: setAlertsState,
  };

  return (
    <SessionContext.Provider value={session}>
      <main className={styles.root} aria-label="AI Labor Ledger">
        <Title3 as="h1">AI Labor Ledger</Title3>
        {hostName ? <Caption1>Workbook: {hostName}</Caption1> : null}
        <TabList className={styles.tabs} size="small" selectedValue={tab} onTabSelect={(_, d: SelectTabData) => setTab(d.value as TabName)} aria-label="Task pane sections">
          {TABS.map((t) => (
            <Tab key={t} value={t} id={`tab-${t}`} aria-controls={`panel-${t}`}>
              {t}
            </Tab>
          ))}
        </TabList>
        <section className={styles.panel} role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'Sources' && <SourcesPanel />}
          {tab === 'Refresh' && <RefreshPanel />}
          {tab === 'Reports' && <ReportsPanel />}
          {tab === 'Alerts' && <AlertsPanel />}
          {tab === 'Trends' && <TrendsPanel />}
          {tab === 'Maturity' && <MaturityPanel />}
        </section>
      </main>
    </SessionContext.Provider>
  );
}
