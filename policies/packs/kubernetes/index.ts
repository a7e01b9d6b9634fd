import type { RulePack } from '../../types';
import { imagePinned } from './image-pinned';
import { runAsNonRoot } from './non-root';
import { noPlaintextSecret } from './plaintext-secret';
import { probesSet } from './probes';
import { resourcesSet } from './resources';

/** Kubernetes workload hygiene for the collectors and everything else in the tree. */
export const kubernetesPack: RulePack = {
  name: 'kubernetes',
  description: 'Workloads: resources, non-root, pinned images, probes; no plaintext Secrets.',
  rules: [resourcesSet, runAsNonRoot, imagePinned, probesSet, noPlaintextSecret],
};
