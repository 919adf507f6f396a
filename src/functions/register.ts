// Entry of the functions bundle: the metadata plugin's loader appends CustomFunctions.associate calls for functions.ts.
// Inside Excel the ledger store also gets its workbook loader, change watching and recalculation (excel-loader.ts).
import { installExcelLedgerLoader } from './excel-loader';

export * from './functions';
export { ledgerStore, notifyWorkbookRefreshed } from './store';

const warn = (what: string) => (e: unknown) => console.warn(`AILABOR: ${what} (${e instanceof Error ? e.message : String(e)})`);

/**
 * Start-up inside Excel. The add-in asks to load with this document from now on (SharedRuntime 1.1,
 * `Office.addin.setStartupBehavior`; docs "Run code in your Office Add-in when the document opens"): the shared
 * runtime then starts when the workbook opens, before the task pane is shown, so edits of the Agents, Prices or
 * Ledger sheets are watched from the start, and the AILABOR cells are recalculated once the ledger is read.
 * (The first time, the add-in must be opened by hand: the setting is stored with the document.)
 */
export function startInExcel(): Promise<unknown> {
  const addin = (Office as { addin?: { setStartupBehavior?(b: Office.StartupBehavior): Promise<void> } }).addin;
  if (addin?.setStartupBehavior) addin.setStartupBehavior(Office.StartupBehavior.load).catch(warn('could not set the add-in to load with this workbook'));
  // Events need ExcelApi 1.9 (worksheet collection events); without them the store still loads on first use.
  return installExcelLedgerLoader({ recalcWhenLoaded: true }).catch(warn('ledger change watching not installed'));
}

if (typeof Office !== 'undefined' && typeof Office.onReady === 'function') {
  Office.onReady((info) => {
    if (info.host === Office.HostType.Excel && typeof Excel !== 'undefined') void startInExcel();
  });
}
