// Entry of the functions bundle: the metadata plugin's loader appends CustomFunctions.associate calls for functions.ts.
// Inside Excel the ledger store also gets its workbook loader, change watching and recalculation (excel-loader.ts).
import { installExcelLedgerLoader } from './excel-loader';

export * from './functions';
export { ledgerStore, notifyWorkbookRefreshed } from './store';

if (typeof Office !== 'undefined' && typeof Office.onReady === 'function') {
  Office.onReady((info) => {
    if (info.host === Office.HostType.Excel && typeof Excel !== 'undefined') {
      // Events need ExcelApi 1.9 (worksheet collection events); without them the store still loads on first use.
      installExcelLedgerLoader().catch((e) => console.warn(`AILABOR: ledger change watching not installed (${e instanceof Error ? e.message : String(e)})`));
    }
  });
}
