import { runTable, type TableRow } from '../../rule-table';
import type { Rule } from '../../types';
import { containersOf, WORKLOAD_KINDS, type ContainerView } from './containers';

/** The tag of an image reference (`undefined` when untagged); a digest counts as pinned. */
export function imageTag(image: string): { tag?: string; digest: boolean } {
  const digest = image.includes('@');
  const name = digest ? image.slice(0, image.indexOf('@')) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { tag, digest };
}

const imageOf = (view: ContainerView): string => (typeof view.container.image === 'string' ? view.container.image : '');

const rows: TableRow<ContainerView>[] = [
  {
    when: (view) => imageOf(view) !== '' && !imageTag(imageOf(view)).digest && imageTag(imageOf(view)).tag === undefined,
    pointer: (view) => `${view.pointer}/image`,
    message: (view) => `container '${view.name}' image '${imageOf(view)}' has no tag: it runs whatever 'latest' is at pull time`,
    fix: 'pin a version tag (image:1.2.3) or a digest (image@sha256:…)',
  },
  {
    when: (view) => !imageTag(imageOf(view)).digest && imageTag(imageOf(view)).tag === 'latest',
    pointer: (view) => `${view.pointer}/image`,
    message: (view) => `container '${view.name}' uses the moving tag 'latest' (${imageOf(view)})`,
    fix: 'pin a version tag (image:1.2.3) or a digest (image@sha256:…)',
  },
];

/** Unpinned images make a rollback roll forward: the same manifest runs different code. */
export const imagePinned: Rule = {
  id: 'kubernetes/image-pinned',
  severity: 'error',
  description: "Container images are pinned to a version tag or digest: no 'latest', no untagged image.",
  kinds: WORKLOAD_KINDS,
  check: (doc) => runTable(rows, containersOf(doc)),
};
