import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { ExcelHost } from '../hosts/excel';
import { App } from './App';
import { sheetsWritten } from './services/function-store';

function render(hostName: string | null) {
  const el = document.getElementById('root');
  if (!el) return;
  // The pane talks to the workbook only through the host contract; in a plain browser there is none.
  // Writes run with events off: the host tells the functions' store which sheets it wrote.
  const host = hostName === 'Excel' ? new ExcelHost({ onSheetsWritten: sheetsWritten }) : null;
  createRoot(el).render(
    <FluentProvider theme={webLightTheme}>
      <App host={host} hostName={hostName} />
    </FluentProvider>,
  );
}

// In a plain browser office.js may be absent (offline) or resolve with host null.
if (typeof Office !== 'undefined' && Office.onReady) {
  Office.onReady((info) => render(info.host ? String(info.host) : null));
} else {
  render(null);
}
