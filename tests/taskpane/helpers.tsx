// Shared set-up for the task pane's component tests: a real PreviewHost (HyperFormula) workbook, the in-process
// refresh runner, and a tiny sample so a whole refresh takes well under a second.
import * as React from 'react';
import { render, screen, waitFor, fireEvent } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { PreviewHost } from '../../src/hosts/preview';
import { App, type TabName } from '../../src/taskpane/App';
import { inProcessRunner } from '../../src/taskpane/services/runner';
import type { CredentialStore } from '../../src/taskpane/services/credentials';
import type { Services } from '../../src/taskpane/services/types';

// jsdom has no ResizeObserver; Fluent's MessageBar measures itself with one.
class NoopResizeObserver { observe() {} unobserve() {} disconnect() {} }
(window as unknown as { ResizeObserver: unknown }).ResizeObserver = NoopResizeObserver;

export const TINY_SAMPLE = { seed: 7, scale: 0.001, months: 3, endPeriod: '2026-10' };

export function memoryCredentials(): CredentialStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, where: 'test memory', get: async (k) => data.get(k), set: async (k, v) => void data.set(k, v), remove: async (k) => void data.delete(k) };
}

export function renderPane(opts: { host?: PreviewHost; services?: Partial<Services>; tab?: TabName } = {}) {
  const host = opts.host ?? new PreviewHost();
  const services: Partial<Services> = { createRunner: () => inProcessRunner(), sample: TINY_SAMPLE, credentials: memoryCredentials(), functionStore: null, chart: null, ...opts.services };
  const utils = render(
    <FluentProvider theme={webLightTheme}>
      <App host={host} hostName="Workbench" services={services} initialTab={opts.tab} />
    </FluentProvider>,
  );
  return { host, services, ...utils };
}

export const tab = (name: TabName) => fireEvent.click(screen.getByRole('tab', { name }));

/** Sources → Load sample data → Refresh → Refresh, waiting for "Refreshed" (or "Refresh incomplete" when a source failed). */
export async function loadAndRefresh() {
  tab('Sources');
  fireEvent.click(screen.getByRole('button', { name: 'Load sample data' }));
  tab('Refresh');
  fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
  await waitFor(() => expect(screen.getByText(/Refreshed|Refresh incomplete/)).toBeTruthy(), { timeout: 20000 });
}

/** A file for the picker, with a text() the import can read in jsdom. */
export function file(name: string, text: string): File {
  return new File([text], name, { type: 'text/plain' });
}

export function upload(files: File[]) {
  const input = screen.getByLabelText('Choose source files') as HTMLInputElement;
  fireEvent.change(input, { target: { files } });
}
