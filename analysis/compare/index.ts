export * from './same-answer';
