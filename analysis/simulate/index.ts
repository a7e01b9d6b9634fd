export * from './model';
export * from './simulate';
export * from './values';
export * from './rates';
export * from './changes';
