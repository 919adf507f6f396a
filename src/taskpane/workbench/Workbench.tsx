// The browser workbench: the real task pane (the same App that runs in Excel) beside a live preview workbook on
// HyperFormula. The pane talks to the workbook only through the WorkbookHost contract; this shell draws the host.
import * as React from 'react';
import {
  Badge,
  Body1,
  Button,
  Input,
  Menu,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  Subtitle2,
  Tab,
  TabList,
  Text,
  Toolbar,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import type { PreviewHost } from '../../hosts/preview';
import { a1, parseA1 } from '../../workbook/address';
import { Grid, type Pos } from './Grid';
import { editText, parseInput } from './format';
import { download, workbookXlsx } from './exportXlsx';

export const PANE_WIDTH = 340;
export const EXPORT_FILE = 'ai-labor-ledger-workbench.xlsx';

const useStyles = makeStyles({
  root: { display: 'flex', height: '100vh', width: '100vw', overflow: 'hidden', backgroundColor: tokens.colorNeutralBackground2 },
  pane: {
    width: `${PANE_WIDTH}px`,
    flexShrink: 0,
    overflowY: 'auto',
    backgroundColor: tokens.colorNeutralBackground1,
    borderRight: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  book: { display: 'flex', flexDirection: 'column', flexGrow: 1, minWidth: 0 },
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  spacer: { flexGrow: 1 },
  bar: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalM}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  address: { width: '96px', flexShrink: 0 },
  formula: { flexGrow: 1, fontFamily: tokens.fontFamilyMonospace },
  tabBar: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXXS, backgroundColor: tokens.colorNeutralBackground1, borderTop: `1px solid ${tokens.colorNeutralStroke2}`, flexShrink: 0, paddingLeft: tokens.spacingHorizontalXS },
  // the strip scrolls (arrows, the sheet list, a trackpad); its own scrollbar would cover the tabs
  tabs: { position: 'relative', overflowX: 'auto', flexGrow: 1, minWidth: 0, scrollbarWidth: 'none', '::-webkit-scrollbar': { display: 'none' } },
  empty: { padding: tokens.spacingHorizontalXXL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, flexGrow: 1 },
  status: { padding: `${tokens.spacingVerticalXXS} ${tokens.spacingHorizontalM}`, minHeight: '20px', backgroundColor: tokens.colorNeutralBackground1 },
});

export interface WorkbenchProps {
  host: PreviewHost;
  /** the task pane drawn on the left (the App on this host; tests of the shell pass a stand-in) */
  pane: React.ReactNode;
}

export function Workbench({ host, pane }: WorkbenchProps) {
  const styles = useStyles();
  // The workbook redraws in a transition: React renders it in slices that yield to input, so redrawing the grid and
  // the sheet tabs after a refresh's write is never one block (it was ~0.17 s in the development build with
  // useSyncExternalStore, which renders synchronously; bench/pane). The grid reads the host during render, so a
  // render always shows the workbook as it is then.
  const [version, setVersion] = React.useState(host.version);
  // (writes happen on user actions, after this subscription: the first render's version is current)
  React.useEffect(() => host.subscribe(() => React.startTransition(() => setVersion(host.version))), [host]);
  const sheets = host.sheetNames();
  const [chosen, setChosen] = React.useState<string | null>(null);
  const sheet = chosen && sheets.includes(chosen) ? chosen : (sheets[0] ?? null);
  const [selected, setSelected] = React.useState<Pos>({ row: 0, col: 0 });
  const remembered = React.useRef(new Map<string, Pos>());
  const [draft, setDraft] = React.useState<string | null>(null);
  const [status, setStatus] = React.useState<{ text: string; error?: boolean }>({ text: '' });
  const [exporting, setExporting] = React.useState(false);
  const gridHost = React.useRef<HTMLDivElement>(null);

  const showSheet = (name: string) => {
    if (sheet) remembered.current.set(sheet, selected);
    setChosen(name);
    setSelected(remembered.current.get(name) ?? { row: 0, col: 0 });
    setDraft(null);
  };

  // The pane activates sheets through the host (a report it wrote, an alert's row): follow each new activation.
  // Compared during render (React's "adjust state when a prop changes"), not in an effect.
  const [seenActive, setSeenActive] = React.useState(host.active);
  if (host.active !== seenActive) {
    setSeenActive(host.active);
    if (host.active) {
      let at: Pos = { row: 0, col: 0 };
      try {
        if (host.active.cell) at = parseA1(host.active.cell);
      } catch {
        // an unreadable address still shows the sheet
      }
      setChosen(host.active.sheet);
      setSelected(at);
      setDraft(null);
    }
  }

  const textOf = (p: Pos) => (sheet ? editText(host.valueAt(sheet, p.row, p.col), host.formulaAt(sheet, p.row, p.col)) : '');
  // The formula bar shows the selected cell unless the user is typing in it.
  const barText = draft ?? (sheet ? textOf(selected) : '');
  void version;

  // Many sheets overflow the tab strip: arrows scroll it, a list reaches every sheet, and the active tab is kept in
  // view (a report the pane just wrote is often last).
  const tabStrip = React.useRef<HTMLDivElement>(null);
  const [tabEdges, setTabEdges] = React.useState({ start: true, end: true });
  const measureTabs = React.useCallback(() => {
    const strip = tabStrip.current;
    if (!strip) return;
    const next = { start: strip.scrollLeft <= 1, end: strip.scrollLeft + strip.clientWidth >= strip.scrollWidth - 1 };
    setTabEdges((e) => (e.start === next.start && e.end === next.end ? e : next));
  }, []);
  React.useLayoutEffect(() => {
    measureTabs();
    const strip = tabStrip.current;
    if (!strip || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measureTabs);
    ro.observe(strip);
    return () => ro.disconnect();
  }, [measureTabs, sheets.length]);
  const scrollTabs = (dir: -1 | 1) => {
    const strip = tabStrip.current;
    if (!strip) return;
    strip.scrollLeft = Math.max(0, strip.scrollLeft + dir * Math.max(80, strip.clientWidth * 0.8));
    measureTabs();
  };
  React.useEffect(() => {
    const strip = tabStrip.current;
    // By name, not aria-selected: Fluent's tabs learn they are selected one render after the TabList.
    const tab = sheet ? [...(strip?.querySelectorAll<HTMLElement>('[role="tab"]') ?? [])].find((t) => t.dataset.sheet === sheet) : undefined;
    if (!strip || !tab) return;
    // offsetLeft is relative to the strip (position: relative); scroll only when the tab is not fully visible.
    if (tab.offsetLeft < strip.scrollLeft || tab.offsetLeft + tab.offsetWidth > strip.scrollLeft + strip.clientWidth) {
      strip.scrollLeft = Math.max(0, tab.offsetLeft - 24);
    }
    measureTabs();
  }, [sheet, sheets.length, measureTabs]);

  const focusGrid = () => gridHost.current?.querySelector<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });

  const commit = (p: Pos, text: string, move: Pos) => {
    if (!sheet) return;
    try {
      host.setCell(sheet, a1(p.row, p.col), parseInput(text));
      setStatus({ text: '' });
    } catch (e) {
      setStatus({ text: `${sheet}!${a1(p.row, p.col)}: ${(e as Error).message}`, error: true });
    }
    setSelected({ row: Math.max(0, p.row + move.row), col: Math.max(0, p.col + move.col) });
    setDraft(null);
  };

  const onExport = async () => {
    setExporting(true);
    setStatus({ text: 'Writing the workbook…' });
    try {
      const { data, sheets: n } = await workbookXlsx(host);
      download(data, EXPORT_FILE);
      setStatus({ text: `Exported ${n} sheets to ${EXPORT_FILE}.` });
    } catch (e) {
      setStatus({ text: `Export failed: ${(e as Error).message}`, error: true });
    } finally {
      setExporting(false);
    }
  };

  const [addressDraft, setAddressDraft] = React.useState<string | null>(null);
  const goTo = (text: string) => {
    try {
      const p = parseA1(text);
      setSelected(p);
      setAddressDraft(null);
      focusGrid();
    } catch {
      setStatus({ text: `"${text}" is not a cell address (e.g. B4)`, error: true });
    }
  };

  return (
    <div className={styles.root}>
      <div className={styles.pane}>{pane}</div>
      <section className={styles.book} aria-label="Preview workbook">
        <div className={styles.toolbar}>
          <Subtitle2 as="h2">Preview workbook</Subtitle2>
          <Badge appearance="tint" color="informative">
            live formulas: edit a cell and everything recalculates
          </Badge>
          <div className={styles.spacer} />
          <Toolbar aria-label="Workbook">
            <Button appearance="primary" onClick={onExport} disabled={exporting || sheets.length === 0}>
              Export .xlsx
            </Button>
          </Toolbar>
        </div>
        <div className={styles.bar}>
          <Input
            className={styles.address}
            aria-label="Cell address"
            value={addressDraft ?? (sheet ? a1(selected.row, selected.col) : '')}
            disabled={!sheet}
            onChange={(_, d) => setAddressDraft(d.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') goTo(addressDraft ?? a1(selected.row, selected.col));
              if (e.key === 'Escape') setAddressDraft(null);
            }}
            onBlur={() => setAddressDraft(null)}
          />
          <Input
            className={styles.formula}
            aria-label="Formula bar"
            value={barText}
            disabled={!sheet}
            onChange={(_, d) => setDraft(d.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                // Nothing typed: move on without rewriting the cell.
                if (draft === null) setSelected({ row: selected.row + 1, col: selected.col });
                else commit(selected, draft, { row: 1, col: 0 });
                focusGrid();
              } else if (e.key === 'Escape') {
                setDraft(null);
                focusGrid();
              }
            }}
          />
        </div>
        {sheet ? (
          <div ref={gridHost} style={{ display: 'flex', flexDirection: 'column', flexGrow: 1, minHeight: 0 }}>
            <Grid
              key={sheet}
              host={host}
              sheet={sheet}
              version={version}
              selected={selected}
              onSelect={(p) => {
                setSelected(p);
                setDraft(null);
              }}
              onCommit={commit}
              editTextOf={textOf}
            />
          </div>
        ) : (
          <div className={styles.empty}>
            <Text weight="semibold">The preview workbook is empty.</Text>
            <Body1>
              In the task pane, open Sources and choose “Load sample data”, then Refresh. The sheets the pane writes appear here, with live
              formulas you can edit.
            </Body1>
          </div>
        )}
        {sheets.length > 0 && (
          <div className={styles.tabBar}>
            <Button size="small" appearance="subtle" aria-label="Scroll sheet tabs left" disabled={tabEdges.start} onClick={() => scrollTabs(-1)}>
              ‹
            </Button>
            <Button size="small" appearance="subtle" aria-label="Scroll sheet tabs right" disabled={tabEdges.end} onClick={() => scrollTabs(1)}>
              ›
            </Button>
            <Menu checkedValues={{ sheet: sheet ? [sheet] : [] }} onCheckedValueChange={(_, d) => d.checkedItems[0] && showSheet(d.checkedItems[0])}>
              <MenuTrigger disableButtonEnhancement>
                <Button size="small" appearance="subtle" aria-label={`All sheets (${sheets.length})`} title="All sheets">
                  ☰
                </Button>
              </MenuTrigger>
              <MenuPopover>
                <MenuList aria-label="All sheets">
                  {sheets.map((s) => (
                    <MenuItemRadio key={s} name="sheet" value={s}>
                      {s}
                    </MenuItemRadio>
                  ))}
                </MenuList>
              </MenuPopover>
            </Menu>
            <div className={styles.tabs} ref={tabStrip} onScroll={measureTabs}>
              <TabList aria-label="Sheets" size="small" selectedValue={sheet ?? undefined} onTabSelect={(_, d) => showSheet(String(d.value))}>
                {sheets.map((s) => (
                  <Tab key={s} value={s} data-sheet={s}>
                    {s}
                  </Tab>
                ))}
              </TabList>
            </div>
          </div>
        )}
        <div className={styles.status} role="status" aria-live="polite">
          {status.error ? (
            <MessageBar intent="error">
              <MessageBarBody>{status.text}</MessageBarBody>
            </MessageBar>
          ) : (
            <Text size={200}>{status.text}</Text>
          )}
        </div>
      </section>
    </div>
  );
}
