export * from './money';
export * from './price-model';
export * from './examples';
export * from './estimate-experiment';
export * from './assess-guardrails';
