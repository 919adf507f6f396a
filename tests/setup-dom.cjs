// Component tests (jsdom) wait for what the pane shows with testing-library's findBy*/waitFor. Their 1 s default is
// shorter than a refresh takes on a loaded 2-core machine: a wait that passes at 1.2 s is not a defect, so allow 10 s
// (a real hang still fails).
if (typeof document !== 'undefined') require('@testing-library/dom').configure({ asyncUtilTimeout: 10_000 });
