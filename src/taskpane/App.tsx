import * as React from 'react';
import { Body1, Caption1, MessageBar, MessageBarBody, Title3, makeStyles, tokens } from '@fluentui/react-components';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, padding: tokens.spacingHorizontalM, minWidth: '280px' },
});

export interface AppProps {
  /** Office host name, or null in a plain browser */
  host: string | null;
}

export function App({ host }: AppProps) {
  const styles = useStyles();
  return (
    <main className={styles.root} aria-label="AI Labor Ledger">
      <Title3 as="h1">AI Labor Ledger</Title3>
      <Body1>Fully loaded cost per outcome of your AI agents: chargeback, budget, migration payback and SLO monitoring.</Body1>
      {host ? (
        <MessageBar intent="success">
          <MessageBarBody>Running in {host}. AILABOR.TOKENCOST and AILABOR.MODELPRICE are available in any cell.</MessageBarBody>
        </MessageBar>
      ) : (
        <MessageBar intent="warning">
          <MessageBarBody>Not running inside Excel: open this add-in from Excel (see the README&apos;s sideloading steps).</MessageBarBody>
        </MessageBar>
      )}
      <Caption1>{'Try =AILABOR.TOKENCOST("gpt-4o",1000000,1000000) → 12.5'}</Caption1>
    </main>
  );
}
