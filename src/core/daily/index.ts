// Daily governance (playbook Step 4): daily series from the ledger rules, detection and the morning report.
export * from './days';
export * from './series';
export * from './detect';
export * from './report';
export * from './notify';
export { median, robustSigma, wilson } from './stats';
