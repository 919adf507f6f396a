import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { App } from './App';

function render(host: string | null) {
  const el = document.getElementById('root');
  if (!el) return;
  createRoot(el).render(
    <FluentProvider theme={webLightTheme}>
      <App host={host} />
    </FluentProvider>,
  );
}

// In a plain browser office.js may be absent (offline) or resolve with host null.
if (typeof Office !== 'undefined' && Office.onReady) {
  Office.onReady((info) => render(info.host ? String(info.host) : null));
} else {
  render(null);
}
