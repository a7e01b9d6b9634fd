export * from './grammar';
export { printOttlCondition, printOttlStatement, printOttlValue, ottlString, ottlStringList, nameIn, typeIn, METRIC_TYPE_ENUM } from './print';
export { evaluate, evaluateForMetric, readsDatapoint, type MetricFacts, type OttlTarget, type Truth } from './evaluate';
export { re2, re2Problem } from './re2';
