// Webhook payloads for the morning report: Slack incoming webhooks (Block Kit: a header ≤ 150 characters, section
// text ≤ 3,000 characters, at most 50 blocks, `&`, `<`, `>` escaped so no name can ping a channel) and Microsoft
// Teams (a message with an Adaptive Card 1.4 attachment: what Teams Workflows "post to a channel when a webhook request
// is received" and the older incoming webhooks accept). Pure: the CLI does the HTTP.
import type { DailyReportDay } from './report';

export type WebhookFormat = 'slack' | 'teams';

/** The format a webhook URL's host implies, or null when it does not say (then the caller must). */
export function webhookFormatOf(url: string): WebhookFormat | null {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
  if (host === 'hooks.slack.com' || host.endsWith('.slack.com')) return 'slack';
  if (/(^|\.)(webhook\.office\.com|outlook\.office\.com|logic\.azure\.com|powerautomate\.com|powerplatform\.com|flow\.microsoft\.com)$/.test(host)) return 'teams';
  return null;
}

const SEVERITY_EMOJI = { high: ':red_circle:', medium: ':large_orange_circle:', low: ':white_circle:' } as const;
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Splits lines into chunks of at most `max` characters (a longer line is clipped). */
function chunks(lines: string[], max: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const raw of lines) {
    const line = clip(raw, max);
    if (cur && cur.length + 1 + line.length > max) {
      out.push(cur);
      cur = line;
    } else cur = cur ? `${cur}\n${line}` : line;
  }
  if (cur) out.push(cur);
  return out;
}

export function slackPayload(r: DailyReportDay): Record<string, unknown> {
  const [head, summary, ...rest] = r.text.split('\n');
  const alertLines = r.alerts.map((a) => `${SEVERITY_EMOJI[a.severity]} ${slackEscape(a.message)}`);
  const other = rest.filter((l) => !l.startsWith('- [')).map(slackEscape);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(head, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${slackEscape(summary ?? '')}*`, 3000) } },
  ];
  // leave room for the context block and the "more" note within Slack's 50 blocks
  const sections = chunks(alertLines, 2900);
  const room = 50 - blocks.length - 2;
  for (const c of sections.slice(0, room)) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: c } });
  if (sections.length > room) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and more: ${sections.length - room} more sections in the JSON report.` }] });
  if (other.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(other.join('\n'), 2900) }] });
  return { text: clip(slackEscape(`${head}: ${summary ?? ''}`), 3000), blocks };
}

// Adaptive Card TextBlocks render a Markdown subset; backslash-escape its markers so a name stays literal.
const mdEscape = (s: string) => s.replace(/([\\*_[\]()#>`~|])/g, '\\$1').replace(/^([-+]) /gm, '\\$1 ');

export function teamsPayload(r: DailyReportDay): Record<string, unknown> {
  const [head, summary, ...rest] = r.text.split('\n');
  const body: Record<string, unknown>[] = [
    { type: 'TextBlock', text: mdEscape(head), weight: 'Bolder', size: 'Medium', wrap: true },
    { type: 'TextBlock', text: mdEscape(summary ?? ''), wrap: true, color: r.alerts.length ? 'Attention' : 'Good' },
  ];
  for (const a of r.alerts.slice(0, 100)) {
    body.push({ type: 'TextBlock', text: `${a.severity.toUpperCase()}: ${mdEscape(a.message)}`, wrap: true, color: a.severity === 'high' ? 'Attention' : a.severity === 'medium' ? 'Warning' : 'Default', spacing: 'Small' });
  }
  if (r.alerts.length > 100) body.push({ type: 'TextBlock', text: `…and ${r.alerts.length - 100} more alerts in the JSON report.`, wrap: true, isSubtle: true });
  const other = rest.filter((l) => !l.startsWith('- ['));
  if (other.length) body.push({ type: 'TextBlock', text: mdEscape(other.join('\n\n')), wrap: true, isSubtle: true, size: 'Small' });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body, msteams: { width: 'Full' } },
      },
    ],
  };
}

export function webhookPayload(format: WebhookFormat, r: DailyReportDay): Record<string, unknown> {
  return format === 'slack' ? slackPayload(r) : teamsPayload(r);
}
