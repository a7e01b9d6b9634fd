import { isRecord } from '../../collector-configs';
import { pointerOf, runTable, type TableRow } from '../../rule-table';
import { collectorRule, sectionOf } from './config-view';

interface ExporterSetting {
  readonly id: string;
  readonly base: string;
  readonly field: string;
  readonly settings: unknown;
}

/** Delivery settings that, once disabled, lose data silently on any backend hiccup. */
const DELIVERY_FIELDS = ['retry_on_failure', 'sending_queue', 'remote_write_queue'];

const rows: TableRow<ExporterSetting>[] = [
  {
    when: (setting) => isRecord(setting.settings) && setting.settings.enabled === false,
    pointer: (setting) => `${setting.base}/${setting.field}/enabled`,
    message: (setting) => `exporter '${setting.id}' disables ${setting.field}: data is dropped silently whenever the backend is slow or down`,
    fix: 'remove `enabled: false` (the default keeps retries and the queue on)',
  },
];

/** Exporters keep `retry_on_failure` and their queue: no silent loss. */
export const exporterDelivery = collectorRule({
  id: 'collector/exporter-delivery',
  severity: 'error',
  reads: 'document',
  description: 'Exporters keep retry_on_failure and sending_queue (remote_write_queue) enabled, so a backend outage does not lose data silently.',
  check: (source) => {
    const settings: ExporterSetting[] = [];
    for (const [id, exporter] of Object.entries(sectionOf(source.config, 'exporters'))) {
      if (!isRecord(exporter)) continue;
      const base = source.pointer + pointerOf('exporters', id);
      for (const field of DELIVERY_FIELDS) if (field in exporter) settings.push({ id, base, field, settings: exporter[field] });
    }
    return runTable(rows, settings);
  },
});
