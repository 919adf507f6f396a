import type { DailyAlert } from './detect';
import { slackPayload, teamsPayload, webhookFormatOf } from './notify';
import type { DailyReportDay } from './report';

const alert = (message: string, severity: DailyAlert['severity'] = 'high'): DailyAlert => ({
  agent_id: 'a', metric: 'cost_per_outcome', kind: 'drift', severity, value: 1.7, baseline: 1.5, target: 1.6, change_pct: 6.3, since: '2026-10-03', message,
});

function day(alerts: DailyAlert[]): DailyReportDay {
  return {
    day: '2026-10-06',
    alerts,
    text: ['AI labor morning report for Tuesday 2026-10-06', `${alerts.length ? '1 of 7 agents need attention' : 'No alerts'}`, ...alerts.map((a) => `- [${a.severity}] ${a.message}`), 'Within target and normal: B.'].join('\n'),
  };
}

describe('webhook payloads', () => {
  it('tells Slack from Teams by the host, and says nothing for other hosts', () => {
    expect(webhookFormatOf('https://hooks.slack.com/services/T0/B0/x')).toBe('slack');
    expect(webhookFormatOf('https://acme.webhook.office.com/webhookb2/x')).toBe('teams');
    expect(webhookFormatOf('https://prod-12.westus.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke?sig=y')).toBe('teams');
    expect(webhookFormatOf('https://default1.environment.api.powerplatform.com/powerautomate/x')).toBe('teams');
    expect(webhookFormatOf('https://hooks.slack.com.evil.example/x')).toBeNull();
    expect(webhookFormatOf('http://127.0.0.1:9999/x')).toBeNull();
    expect(webhookFormatOf('not a url')).toBeNull();
  });

  it('Slack: header, summary, one line per alert with its severity; &, <, > escaped so a name cannot ping @channel', () => {
    const p = slackPayload(day([alert('<!channel> Agent & co cost per ticket ran 8% above target')])) as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'AI labor morning report for Tuesday 2026-10-06', emoji: true } });
    expect(p.blocks[1].text!.text).toBe('*1 of 7 agents need attention*');
    expect(p.blocks[2].text!.text).toBe(':red_circle: &lt;!channel&gt; Agent &amp; co cost per ticket ran 8% above target');
    expect(JSON.stringify(p)).not.toContain('<!channel>');
    expect(p.text).toContain('AI labor morning report');
  });

  it('Slack: hundreds of alerts stay within 50 blocks of at most 3,000 characters', () => {
    const many = Array.from({ length: 1000 }, (_, i) => alert(`Agent ${i} ${'x'.repeat(200)}`, 'medium'));
    const p = slackPayload(day(many)) as { blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[] };
    expect(p.blocks.length).toBeLessThanOrEqual(50);
    for (const b of p.blocks) expect((b.text?.text ?? b.elements?.[0].text ?? '').length).toBeLessThanOrEqual(3000);
    expect(JSON.stringify(p)).toContain('more sections in the JSON report');
  });

  it('Teams: a message with one Adaptive Card 1.4; markdown markers in names are escaped', () => {
    const p = teamsPayload(day([alert('CSR *bold* [link](http://x) cost per ticket ran 8% above target')])) as {
      type: string;
      attachments: { contentType: string; content: { type: string; version: string; body: { text: string; color?: string }[] } }[];
    };
    expect(p.type).toBe('message');
    expect(p.attachments).toHaveLength(1);
    expect(p.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    const card = p.attachments[0].content;
    expect([card.type, card.version]).toEqual(['AdaptiveCard', '1.4']);
    expect(card.body[0].text).toBe('AI labor morning report for Tuesday 2026-10-06');
    expect(card.body[2]).toMatchObject({ text: 'HIGH: CSR \\*bold\\* \\[link\\]\\(http://x\\) cost per ticket ran 8% above target', color: 'Attention' });
    // a day without alerts still posts (the team sees the report ran)
    expect((teamsPayload(day([])) as typeof p).attachments[0].content.body[1]).toMatchObject({ text: 'No alerts', color: 'Good' });
  });
});
