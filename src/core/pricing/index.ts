export * from './pricebook';
