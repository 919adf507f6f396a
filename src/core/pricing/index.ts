export * from './pricebook';
export * from './supplement';
