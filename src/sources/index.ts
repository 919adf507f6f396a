// Connected sources (issue 5): vendor formats and APIs → canonical records. Browser-safe: no Node APIs here
// (Node helpers: config-node.ts). The canonical CSV/JSONL import is ./files.
export * from './common/types';
export * from './common/normalize';
export { paginate, redact, retryAfterMs, type FetchLike, type PullDeps, type PullResult, type PageReport } from './common/http';
export * from './links';
export * from './formats';
export * from './pulls';
export * from './config';
export * from './litellm';
export * from './langfuse';
export * from './helicone';
export * from './otel';
export * from './bedrock';
export * from './openai';
export * from './anthropic';
export * from './focus';
export * from './zendesk';
export * from './jira';
export * from './servicenow';
export * from './generic';
