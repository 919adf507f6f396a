// Entry of workbench.html: the task pane on a HyperFormula preview host, for browsers without Excel (npm start, CI).
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { HyperFormula } from 'hyperformula';
import { AILABOR_TRANSLATIONS, AilaborPlugin } from '../../functions/hyperformula';
import { PreviewHost } from '../../hosts/preview';
import { App } from '../App';
import { Workbench } from './Workbench';

// =AILABOR.* in the preview grid, as in Excel: the plugin reads the store each refresh fills (its functions are volatile).
HyperFormula.registerFunctionPlugin(AilaborPlugin, AILABOR_TRANSLATIONS);
const host = new PreviewHost();
// A handle for the end-to-end test's scale check (it writes a 50,000-row sheet the sample does not have).
(window as unknown as { __ailaborWorkbench?: { host: PreviewHost } }).__ailaborWorkbench = { host };
const el = document.getElementById('root');
if (el) {
  createRoot(el).render(
    <FluentProvider theme={webLightTheme} style={{ height: '100%' }}>
      <Workbench host={host} pane={<App host={host} hostName="Workbench" />} />
    </FluentProvider>,
  );
}
