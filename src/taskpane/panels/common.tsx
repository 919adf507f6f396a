import * as React from 'react';
import { Link, Subtitle2, makeStyles, tokens } from '@fluentui/react-components';
import { useSession } from '../state';

export const usePanelStyles = makeStyles({
  stack: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  card: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, padding: tokens.spacingHorizontalS, border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  plainList: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  muted: { color: tokens.colorNeutralForeground3 },
  scroll: { overflowX: 'auto', maxWidth: '100%' },
  drop: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium, padding: tokens.spacingHorizontalM, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  dropActive: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums' },
});

export const H2 = ({ children }: { children: React.ReactNode }) => <Subtitle2 as="h2" block>{children}</Subtitle2>;
export const H3 = ({ children, id }: { children: React.ReactNode; id?: string }) => <Subtitle2 as="h3" id={id} block style={{ fontSize: tokens.fontSizeBase300 }}>{children}</Subtitle2>;

export const fmtInt = (n: number) => n.toLocaleString('en-US');
export const fmtMoney = (n: number) => `${n < 0 ? '−' : ''}$${Math.abs(n).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
export const fmtPct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A link that shows a sheet cell in the workbook. */
export function CellLink({ sheet, cell, children, onError }: { sheet: string; cell?: string; children?: React.ReactNode; onError?: (m: string) => void }) {
  const { host } = useSession();
  return (
    <Link
      as="button"
      inline
      onClick={() => {
        host.activate(sheet, cell).catch((e: Error) => onError?.(`Cannot show ${sheet}${cell ? `!${cell}` : ''}: ${e.message}`));
      }}
    >
      {children ?? `${sheet}${cell ? `!${cell}` : ''}`}
    </Link>
  );
}
