// Prices the bundled catalog (@pydantic/genai-prices 0.1.8) does not carry, each dated and sourced. The catalog
// already knows 1-hour cache writes, web searches (per 1,000), audio/image token prices and the long-context tiers
// of Claude Sonnet 4.5 and Gemini 2.5 Pro; what it lacks is below. A Prices-sheet row always wins over these.

export interface UnitOverride {
  input_mtok?: number;
  cached_input_mtok?: number;
  cache_write_mtok?: number;
  cache_write_1h_mtok?: number;
  output_mtok?: number;
}

export interface SupplementSource {
  /** document and section (or URL) the figure comes from */
  source: string;
  /** first day the figure applies (YYYY-MM-DD); '' = as long as the catalog knows the model */
  effective_from: string;
}

/** A processing tier billed differently from the standard one: either a multiplier of the standard price or a price list. */
export interface ServiceTierPrice extends SupplementSource {
  provider: string;
  service_tier: string;
  /** catalog model ids (genai-prices ids, e.g. gpt-4o); empty = every model of the provider */
  models: string[];
  multiplier?: number;
  prices?: UnitOverride;
}

const OPENAI_PRIORITY = 'OpenAI, "Priority processing for API customers" (openai.com/api-priority-processing), price table (USD per 1M tokens; excludes long context)';

export const SERVICE_TIER_PRICES: readonly ServiceTierPrice[] = [
  {
    provider: 'openai', service_tier: 'flex', models: [], multiplier: 0.5, effective_from: '',
    source: 'OpenAI API docs, Guides › Flex processing (developers.openai.com/api/docs/guides/flex-processing): "Tokens are priced at Batch API rates" (50% of standard)',
  },
  ...(
    [
      ['gpt-5', 2.5, 0.25, 20],
      ['gpt-5-mini', 0.45, 0.045, 3.6],
      ['gpt-4.1', 3.5, 0.875, 14],
      ['gpt-4.1-mini', 0.7, 0.175, 2.8],
      ['gpt-4.1-nano', 0.2, 0.05, 0.8],
      ['gpt-4o', 4.25, 2.125, 17],
      ['gpt-4o-mini', 0.25, 0.125, 1],
      ['o3', 3.5, 0.875, 14],
      ['o4-mini', 2, 0.5, 8],
    ] as const
  ).map(([model, input, cached, output]) => ({
    provider: 'openai', service_tier: 'priority', models: [model], effective_from: '', source: OPENAI_PRIORITY,
    prices: { input_mtok: input, cached_input_mtok: cached, output_mtok: output },
  })),
  {
    provider: 'openai', service_tier: 'priority', models: ['gpt-4o-2024-05-13'], effective_from: '', source: OPENAI_PRIORITY,
    prices: { input_mtok: 8.75, output_mtok: 26.25 },
  },
];

/** Long-context prices of a model the catalog prices flat: they apply to requests over `threshold` input tokens. */
export interface LongContextPrice extends SupplementSource {
  /** catalog model ids */
  models: string[];
  threshold: number;
  prices: Required<UnitOverride>;
}

export const LONG_CONTEXT_PRICES: readonly LongContextPrice[] = [
  {
    // genai-prices 0.1.8 carries these tiers for claude-sonnet-4-5 but prices claude-sonnet-4-0 flat.
    models: ['claude-sonnet-4-0', 'claude-4-sonnet'],
    threshold: 200_000,
    effective_from: '2025-08-12',
    source: 'Anthropic docs, Pricing › Long context pricing (1M-token context for Claude Sonnet 4, from 2025-08-12): requests over 200K input tokens — input $6, output $22.50, 5-minute cache write $7.50, 1-hour cache write $12, cache read $0.60 per MTok',
    prices: { input_mtok: 6, output_mtok: 22.5, cache_write_mtok: 7.5, cache_write_1h_mtok: 12, cached_input_mtok: 0.6 },
  },
];

/** Claude 1-hour cache writes cost 2× the base input price (5-minute writes 1.25×), for catalog entries without a 1-hour price (Claude on Vertex). */
export const CLAUDE_CACHE_WRITE_1H = {
  pattern: /claude/i,
  multiplierOfInput: 2,
  effective_from: '',
  source: 'Anthropic docs, Prompt caching › Pricing: "1-hour cache write tokens are 2 times the base input tokens price"',
} as const;

/**
 * Service tiers that are contractual (committed capacity) or not published per token: the ledger cannot price them
 * from a list and says so, unless a Prices row for that tier gives a price or a multiplier.
 */
export const UNLISTED_TIER_NOTE: Record<string, string> = {
  priority: 'Anthropic Priority Tier is a capacity commitment priced by contract',
  priority_on_demand: 'priced by contract',
  scale: 'OpenAI Scale Tier is a capacity commitment priced by contract',
};

export function serviceTierPrice(provider: string, catalogModel: string, tier: string, day: string): ServiceTierPrice | undefined {
  return SERVICE_TIER_PRICES.find(
    (p) => p.provider === provider && p.service_tier === tier && (p.models.length === 0 || p.models.includes(catalogModel)) && (!p.effective_from || p.effective_from <= day),
  );
}

export function longContextPrice(catalogModel: string, day: string): LongContextPrice | undefined {
  return LONG_CONTEXT_PRICES.find((p) => p.models.includes(catalogModel) && (!p.effective_from || p.effective_from <= day));
}
