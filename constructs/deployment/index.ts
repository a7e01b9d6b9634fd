export * from './collector-deployment';
export { OPENTELEMETRY_COLLECTOR_CRD_FILE, validateOpenTelemetryCollector } from './collector-resource-schema';
export { healthEndpointOf, receiverPortsOf, type HealthEndpoint, type ReceiverPort } from './health-check';
