export * from './model';
export * from './exposition';
export * from './from-api';
