// The CFO playbook's own examples as workbook inputs: its budget (Bringing it together) and its migration (Step 5).
import { buildLedger } from '../../src/core/ledger';
import { emptyUsageEvent, type Agent, type PriceOverride } from '../../src/core/model/records';
import {
  budgetDriversSheet, budgetSheet, defaultPaybackInputs, inputSheet, ledgerSheet, paybackSheet, PRICES, SheetKeys, unattributedSheet,
  type BudgetLine, type WorkbookSpec,
} from '../../src/workbook';

export const PLAYBOOK_LINES: BudgetLine[] = [
  { business_unit: 'Customer Service', agents: 4, cost_per_unit: 1.5, monthly_volume: 120_000, fixed_monthly_usd: 0, unit_name: 'ticket', source: 'playbook' },
  { business_unit: 'Claims Underwriting', agents: 2, cost_per_unit: 2.3, monthly_volume: 8_000, fixed_monthly_usd: 0, unit_name: 'claim', source: 'playbook' },
  { business_unit: 'Loan Origination', agents: 1, cost_per_unit: 1.8, monthly_volume: 2_000, fixed_monthly_usd: 0, unit_name: 'application', source: 'playbook' },
];

export function playbookBudgetWorkbook(): WorkbookSpec {
  return { sheets: [budgetSheet(PLAYBOOK_LINES.length), budgetDriversSheet({ lines: PLAYBOOK_LINES })] };
}

/** The playbook's negotiated price for the candidate: "Claude 3.5 Sonnet ($1.50/M)" (a Prices row, not the catalog's). */
export const PLAYBOOK_PRICES: PriceOverride[] = [
  { provider: 'anthropic', model: 'claude-3-5-sonnet', effective_from: '2026-01-01', input_mtok: 1.5, cached_input_mtok: null, cache_write_mtok: null, output_mtok: 7.5, discount_pct: null, batch_multiplier: null, maps_to_model: '', note: 'the playbook\'s Step 5 price' },
];

/** "Claude 3 Sonnet ($3/M input) to Claude 3.5 Sonnet ($1.50/M): cost cut by 50%, $40,000 migration and testing, payback two months",
 * on an agent spending $40,000 a month (one work item carrying the month's provider-reported cost). The payback inputs
 * are the defaults: the suggested candidate, the prices through the Prices sheet, $40,000 one-off, no parallel run. */
export function playbookMigration() {
  const agent: Agent = {
    agent_id: 'csr-agent', name: 'CSR agent', business_unit: 'Customer Service', unit_name: 'ticket', model: 'claude-3-sonnet',
    target_cost_per_outcome: null, human_cost_per_unit: null, slo_max_cost_per_outcome: null, slo_min_accuracy: null, slo_max_review_rate: null, cost_center: '', alert_drift_pct: null, alert_min_change_pct: null, alert_window_days: null,
  };
  const result = buildLedger({
    agents: [agent], rates: [], toolPrices: [], overheads: [], invoices: [], prices: PLAYBOOK_PRICES, reviews: [],
    workItems: [{ work_item_id: 'T-1', agent_id: 'csr-agent', business_unit: '', type: 'ticket', opened_at: '2026-10-01T00:00:00Z', closed_at: '2026-10-02T00:00:00Z', outcome: 'success' }],
    events: [{
      ...emptyUsageEvent(),
      event_id: 'e1', timestamp: '2026-10-01T10:00:00Z', agent_id: 'csr-agent', work_item_id: 'T-1', provider: 'anthropic', model: 'claude-3-sonnet', kind: 'llm',
      input_tokens: 10_000_000, cached_input_tokens: 0, cache_write_tokens: 0, output_tokens: 0, units: 0, status: 'ok', batch: false, cost_usd: 40_000,
    }],
  });
  const inputs = defaultPaybackInputs(result, '2026-10', [agent], PLAYBOOK_PRICES);
  const keys = SheetKeys.of(result);
  const spec: WorkbookSpec = {
    sheets: [paybackSheet(inputs, keys, ['csr-agent'], [agent]), ledgerSheet(result.rows, keys), unattributedSheet(result.unattributed, keys), inputSheet(PRICES, PLAYBOOK_PRICES)],
  };
  return { result, inputs, spec, agent };
}
