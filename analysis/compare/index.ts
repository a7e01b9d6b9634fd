export * from './same-answer';
export * from './ties';
export * from './strict-forms';
