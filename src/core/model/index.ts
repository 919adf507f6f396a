export * from './records';
export * from './ledger';
export * from './ranges';
export * from './text';
