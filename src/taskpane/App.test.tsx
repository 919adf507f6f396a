/** @jest-environment jsdom */
import * as React from 'react';
import { render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { App } from './App';

// jsdom has no ResizeObserver; Fluent's MessageBar measures itself with one.
class NoopResizeObserver { observe() {} unobserve() {} disconnect() {} }
(window as unknown as { ResizeObserver: unknown }).ResizeObserver = NoopResizeObserver;

const ui = (host: string | null) => render(<FluentProvider theme={webLightTheme}><App host={host} /></FluentProvider>);

it('says plainly when it is not running inside Excel', () => {
  ui(null);
  expect(screen.getByText(/Not running inside Excel/)).toBeTruthy();
});

it('says which host it runs in', () => {
  ui('Excel');
  expect(screen.getByText(/Running in Excel/)).toBeTruthy();
});
