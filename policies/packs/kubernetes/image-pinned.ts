import { isRecord } from '../../collector-configs';
import { runTable, type TableRow } from '../../rule-table';
import type { Rule, SourceDocument } from '../../types';
import { containersOf, WORKLOAD_KINDS } from './containers';

/** The tag of an image reference (`undefined` when untagged); a digest counts as pinned. */
export function imageTag(image: string): { tag?: string; digest: boolean } {
  const digest = image.includes('@');
  const name = digest ? image.slice(0, image.indexOf('@')) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { tag, digest };
}

/** One image reference a document runs: what runs it (`container 'x'`, `the collector`) and where. */
interface ImageView {
  readonly what: string;
  readonly image: string;
  /** Pointer of the object holding `image`. */
  readonly pointer: string;
}

const rows: TableRow<ImageView>[] = [
  {
    when: (view) => view.image !== '' && !imageTag(view.image).digest && imageTag(view.image).tag === undefined,
    pointer: (view) => `${view.pointer}/image`,
    message: (view) => `${view.what} image '${view.image}' has no tag: it runs whatever 'latest' is at pull time`,
    fix: 'pin a version tag (image:1.2.3) or a digest (image@sha256:…)',
  },
  {
    when: (view) => !imageTag(view.image).digest && imageTag(view.image).tag === 'latest',
    pointer: (view) => `${view.pointer}/image`,
    message: (view) => `${view.what} uses the moving tag 'latest' (${view.image})`,
    fix: 'pin a version tag (image:1.2.3) or a digest (image@sha256:…)',
  },
];

const imageOf = (node: Record<string, unknown>): string => (typeof node.image === 'string' ? node.image : '');

/**
 * The images a document runs: every container of a workload; for an OpenTelemetryCollector,
 * `spec.image` (left out, the operator runs the collector version it is released with) and its
 * init and additional containers.
 */
function imagesOf(doc: SourceDocument): ImageView[] {
  if (doc.object.kind !== 'OpenTelemetryCollector') {
    return containersOf(doc).map((view) => ({ what: `container '${view.name}'`, image: imageOf(view.container), pointer: view.pointer }));
  }
  const spec = isRecord(doc.value.spec) ? doc.value.spec : {};
  const views: ImageView[] = [];
  if (typeof spec.image === 'string') views.push({ what: 'the collector', image: spec.image, pointer: '/spec' });
  for (const field of ['initContainers', 'additionalContainers'] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container)) return;
      const name = typeof container.name === 'string' ? container.name : `#${index}`;
      views.push({ what: `container '${name}'`, image: imageOf(container), pointer: `/spec/${field}/${index}` });
    });
  }
  return views;
}

/** Unpinned images make a rollback roll forward: the same manifest runs different code. */
export const imagePinned: Rule = {
  id: 'kubernetes/image-pinned',
  severity: 'error',
  reads: 'document',
  description: "Container images (of workloads and OpenTelemetryCollectors) are pinned to a version tag or digest: no 'latest', no untagged image.",
  kinds: [...WORKLOAD_KINDS, 'OpenTelemetryCollector'],
  check: (doc) => runTable(rows, imagesOf(doc)),
};
