import type { CheckReport } from '../engine';
import type { ObjectRef } from '../types';

/** `3 errors, 1 warning, 0 info in 42 documents (7 files); 2 waived` */
export function summaryLine(report: CheckReport): string {
  const { error, warning, info } = report.counts;
  const waived = report.waived.length > 0 ? `; ${report.waived.length} waived` : '';
  const audit = report.mode === 'audit' ? ' (audit mode: not failing)' : '';
  return `${plural(error, 'error')}, ${plural(warning, 'warning')}, ${info} info in ${plural(report.documents, 'document')} (${plural(report.files.length, 'file')})${waived}${audit}`;
}

/** `Kustomization flux-system/apps`; `''` for a document without kind (a bare collector config, a waivers entry). */
export function describeObject(object: ObjectRef): string {
  if (!object.kind) return '';
  const name = object.name ?? '(unnamed)';
  return `${object.kind} ${object.namespace ? `${object.namespace}/` : ''}${name}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** `Kustomization flux-system/apps: message`, or just the message for a document without kind. */
export function withObject(object: ObjectRef, message: string): string {
  const described = describeObject(object);
  return described ? `${described}: ${message}` : message;
}
