// Ribbon commands (the shared runtime loads this with the task pane). The ribbon button only shows the task pane.
export function showTaskpane(event: Office.AddinCommands.Event): void {
  void Office.addin.showAsTaskpane().finally(() => event.completed());
}

if (typeof Office !== 'undefined' && Office.actions) {
  Office.onReady(() => Office.actions.associate('showTaskpane', showTaskpane));
}
