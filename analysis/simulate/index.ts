export * from './model';
export * from './simulate';
export * from './values';
export * from './rates';
export { parseCondition, parseStatement, OttlNotModelled } from './ottl';
export * from './changes';
