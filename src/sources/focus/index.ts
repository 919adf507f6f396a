// FOCUS (FinOps Open Cost and Usage Specification 1.x) cost-and-usage CSV, as clouds and LiteLLM export it →
// invoice lines for the true-up (per month of ChargePeriodStart and provider) or overheads (per month, category
// and scope). Columns: BilledCost (or EffectiveCost/ListCost), BillingCurrency, ChargePeriodStart, ChargeCategory,
// ProviderName (1.0; Provider in 0.5), PublisherName, ServiceName, SkuId, Tags (JSON). Amounts are summed exactly.
import { z } from 'zod';
import type { Invoice, Overhead } from '../../core/model/records';
import { overheadSchema } from '../../core/model/records';
import { emptyResult, type MapResult } from '../common/types';
import { mapEach, readRecords, type RawRecord } from '../common/records';
import { asRecord, FieldError, periodOf, signedAmount, text, timestamp } from '../common/normalize';
import { normalizeProvider } from '../../core/pricing';
import { DecimalSum } from '../common/decimal';

export const focusOptionsSchema = z.object({
  as: z.enum(['invoices', 'overheads']).default('invoices'),
  costColumn: z.enum(['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost']).default('BilledCost'),
  /** ProviderName/PublisherName/ServiceName → provider id of the usage events (e.g. { "Microsoft": "azure" }) */
  providerMap: z.record(z.string(), z.string()).default({}),
  /** ChargeCategory values kept (Usage, Purchase, Tax, Credit, Adjustment); default all */
  chargeCategories: z.array(z.string()).optional(),
  /** overheads: which column names the category (default ServiceName) */
  categoryColumn: z.string().default('ServiceName'),
  /** overheads: a Tags key whose value scopes the overhead: "agent" → agent:<value>, "business_unit" → business_unit:<value> */
  scopeTag: z.string().optional(),
  scopeKind: z.enum(['agent', 'business_unit']).default('agent'),
  driver: z.enum(['work_items', 'api_cost', 'tokens']).default('api_cost'),
});
export type FocusOptions = z.input<typeof focusOptionsSchema>;

const KNOWN: Record<string, string> = {
  'amazon web services': 'aws', aws: 'aws', 'amazon bedrock': 'aws', microsoft: 'azure', 'microsoft azure': 'azure', azure: 'azure',
  'google cloud': 'google', google: 'google', 'google cloud platform': 'google', openai: 'openai', anthropic: 'anthropic',
};

function provider(r: Record<string, unknown>, map: Record<string, string>): string {
  const names = [text(r.ProviderName ?? r.Provider), text(r.PublisherName ?? r.Publisher), text(r.ServiceName)];
  for (const n of names) if (n && map[n]) return map[n];
  const n = names.find(Boolean) ?? '';
  return KNOWN[n.toLowerCase()] ?? normalizeProvider(n);
}

export function mapFocusRows(records: RawRecord[], file: string, options: FocusOptions = {}): MapResult {
  const o = focusOptionsSchema.parse(options);
  const m = mapEach(records, file, (r) => {
    const category = text(r.ChargeCategory);
    if (o.chargeCategories && !o.chargeCategories.includes(category)) return null;
    const currency = text(r.BillingCurrency ?? r.BillingCurrencyCode);
    if (currency && currency.toUpperCase() !== 'USD') throw new FieldError('BillingCurrency', currency, 'expected USD (the ledger is in USD)');
    const cost = signedAmount(r[o.costColumn], o.costColumn);
    if (cost === null) throw new FieldError(o.costColumn, r[o.costColumn], `expected the ${o.costColumn} amount`);
    // The amount as the file wrote it: summed exactly below (a number from JSON is its shortest decimal text).
    const exact = typeof r[o.costColumn] === 'string' ? (r[o.costColumn] as string).trim() : String(cost);
    const period = periodOf(timestamp(r.ChargePeriodStart ?? r.BillingPeriodStart, r.ChargePeriodStart !== undefined ? 'ChargePeriodStart' : 'BillingPeriodStart'));
    const prov = provider(r, o.providerMap);
    if (o.as === 'invoices') {
      if (!prov) throw new FieldError('ProviderName', r.ProviderName, 'expected the provider (ProviderName, PublisherName or ServiceName)');
      return { rec: { period, provider: prov, billed_usd: cost } as Invoice, exact };
    }
    const tags = asRecord(r.Tags);
    const scopeValue = o.scopeTag ? text(tags[o.scopeTag]) : '';
    const rec = {
      period,
      category: text(r[o.categoryColumn]) || text(r.ChargeDescription) || category || 'FOCUS',
      amount_usd: cost,
      scope: scopeValue ? `${o.scopeKind}:${scopeValue}` : 'all',
      driver: o.driver,
    } as Overhead;
    return { rec, exact };
  });
  const res = emptyResult();
  res.rejected = m.rejected;
  res.skipped = m.skipped;
  // Lines summed exactly per key from their decimal text (FOCUS costs carry up to 11 decimals and come by the
  // thousand): no line is rounded, only the final sum becomes a double.
  const sums = new Map<string, { rec: Invoice | Overhead; sum: DecimalSum }>();
  for (const { rec: x, exact } of m.out) {
    const key = 'billed_usd' in x ? `${x.period}\u0000${x.provider}` : `${x.period}\u0000${x.category}\u0000${x.scope}`;
    let cur = sums.get(key);
    if (!cur) sums.set(key, (cur = { rec: x, sum: new DecimalSum() }));
    if (!cur.sum.add(exact)) cur.sum.add('billed_usd' in x ? x.billed_usd : x.amount_usd);
  }
  for (const { rec, sum } of [...sums.values()]) {
    if ('billed_usd' in rec) res.invoices.push({ ...rec, billed_usd: sum.value() });
    else res.overheads.push(overheadSchema.parse({ ...rec, amount_usd: sum.value() }));
  }
  return res;
}

export function parseFocusFile(textIn: string, fileName: string, options: FocusOptions = {}): MapResult {
  const raw = readRecords(textIn, fileName, ['data']);
  const res = mapFocusRows(raw.records, fileName, options);
  res.rejected.unshift(...raw.rejected);
  return res;
}
