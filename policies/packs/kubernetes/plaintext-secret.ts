import { isRecord } from '../../collector-configs';
import { pointerOf } from '../../rule-table';
import type { Rule } from '../../types';

/** A Secret in git is readable by everyone who can read the repository, forever (history keeps it). */
export const noPlaintextSecret: Rule = {
  id: 'kubernetes/no-plaintext-secret',
  severity: 'error',
  reads: 'document',
  description: 'No Secret with plaintext data or stringData in the repository (SOPS-encrypted Secrets pass).',
  kinds: ['Secret'],
  check(doc) {
    if (isRecord(doc.value.sops)) return [];
    for (const section of ['stringData', 'data'] as const) {
      const values = doc.value[section];
      if (!isRecord(values)) continue;
      const keys = Object.keys(values);
      if (keys.length === 0) continue;
      return [
        {
          pointer: pointerOf(section, keys[0]),
          message: `Secret holds ${section} in plain text (${keys.length} key${keys.length === 1 ? '' : 's'}: ${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', …' : ''})`,
          fix: 'encrypt it with SOPS, or use a SealedSecret / ExternalSecret and remove the Secret from git',
        },
      ];
    }
    return [];
  },
};
