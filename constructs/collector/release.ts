/**
 * The one OpenTelemetry Collector release Phoenix targets (docs/adr/0010): the copied schemas,
 * the component spellings it emits, the default image and the distribution it validates and
 * tests with (`collector/builder-config.yaml`) all name it. test/collector/release.test.ts fails
 * when any of them drifts.
 */
export const COLLECTOR_RELEASE = '0.161.0';

/** The core stable modules (`go.opentelemetry.io/collector/{pdata,config/…}`) released with {@link COLLECTOR_RELEASE}. */
export const COLLECTOR_CORE_STABLE_RELEASE = '1.67.0';

/** The contrib image of {@link COLLECTOR_RELEASE}: what `CollectorDeployment` runs by default. */
export const COLLECTOR_CONTRIB_IMAGE = `otel/opentelemetry-collector-contrib:${COLLECTOR_RELEASE}`;
