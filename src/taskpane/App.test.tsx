/** @jest-environment jsdom */
import * as React from 'react';
import { render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { PreviewHost } from '../hosts/preview';
import { App, TABS } from './App';
import { inProcessRunner } from './services/runner';

// jsdom has no ResizeObserver; Fluent's MessageBar measures itself with one.
class NoopResizeObserver { observe() {} unobserve() {} disconnect() {} }
(window as unknown as { ResizeObserver: unknown }).ResizeObserver = NoopResizeObserver;

it('says plainly when it is not running inside Excel', () => {
  render(<FluentProvider theme={webLightTheme}><App host={null} /></FluentProvider>);
  expect(screen.getByText(/Not running inside Excel/)).toBeTruthy();
  expect(screen.queryByRole('tab')).toBeNull();
});

it('with a workbook, shows the six month-end tabs by their exact names', () => {
  render(<FluentProvider theme={webLightTheme}><App host={new PreviewHost()} hostName="Workbench" services={{ createRunner: () => inProcessRunner() }} /></FluentProvider>);
  expect(screen.getAllByRole('tab')).toHaveLength(6);
  for (const t of TABS) expect(screen.getByRole('tab', { name: t })).toBeTruthy();
  expect(screen.getByText(/Workbook: Workbench/)).toBeTruthy();
  expect(screen.getByRole('heading', { level: 2, name: 'Sources' })).toBeTruthy();
});
