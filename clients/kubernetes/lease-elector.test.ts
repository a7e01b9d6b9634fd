import { CoordinationV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../../test/support/fake-kube-api';
import { LeaseElector } from './lease-elector';

describe('LeaseElector', () => {
  let fake: FakeKubeApi;
  let clock: number;

  beforeEach(async () => {
    fake = new FakeKubeApi();
    await fake.start();
    clock = Date.parse('2026-11-25T12:00:00Z');
  });
  afterEach(async () => fake.stop());

  function elector(identity: string, url?: string): LeaseElector {
    const api = fake.kubeConfig().makeApiClient(CoordinationV1Api);
    return new LeaseElector({ api, namespace: 'phoenix', identity, leaseDurationSeconds: 15, now: () => new Date(clock), ...(url ? { url } : {}) });
  }

  it('tells a follower who leads and where its API answers', async () => {
    // GIVEN a leader that serves its API at a known address
    const a = elector('watcher-a', 'http://10.0.0.7:9464');
    const b = elector('watcher-b', 'http://10.0.0.8:9464');
    expect(await a.tryAcquire()).toBe(true);
    // WHEN the other replica tries
    expect(await b.tryAcquire()).toBe(false);
    // THEN it knows the holder from the Lease
    expect(b.holder).toEqual({ identity: 'watcher-a', url: 'http://10.0.0.7:9464' });
    expect(a.holder).toEqual({ identity: 'watcher-a', url: 'http://10.0.0.7:9464' });
  });

  it('lets exactly one of two replicas lead, through the real client', async () => {
    // GIVEN two watcher replicas racing for the same Lease
    const a = elector('watcher-a');
    const b = elector('watcher-b');
    // WHEN both try at once
    const results = await Promise.all([a.tryAcquire(), b.tryAcquire()]);
    // THEN exactly one holds it, and the Lease names it
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = results[0] ? 'watcher-a' : 'watcher-b';
    const lease = fake.get('coordination.k8s.io', 'v1', 'leases', 'phoenix', 'phoenix-watcher') as { spec: { holderIdentity: string } };
    expect(lease.spec.holderIdentity).toBe(winner);
  });

  it('keeps the lease while the holder renews and hands it over once it expires', async () => {
    const a = elector('watcher-a');
    const b = elector('watcher-b');
    expect(await a.tryAcquire()).toBe(true);
    clock += 10_000;
    expect(await b.tryAcquire()).toBe(false);
    expect(await a.tryAcquire()).toBe(true);
    clock += 16_000; // a stopped renewing; b first sees its last renewal now
    expect(await b.tryAcquire()).toBe(false);
    clock += 15_000; // a full lease duration after b saw the record last change
    expect(await b.tryAcquire()).toBe(true);
    expect(await a.tryAcquire()).toBe(false);
    const lease = fake.get('coordination.k8s.io', 'v1', 'leases', 'phoenix', 'phoenix-watcher') as { spec: { leaseTransitions: number } };
    expect(lease.spec.leaseTransitions).toBe(1);
  });

  it("judges expiry by when this replica saw the record change, never by the holder's clock", async () => {
    // GIVEN a holder whose clock is an hour behind: every renewTime it writes looks long expired
    let holderClock = clock - 3_600_000;
    const api = fake.kubeConfig().makeApiClient(CoordinationV1Api);
    const a = new LeaseElector({ api, namespace: 'phoenix', identity: 'watcher-a', leaseDurationSeconds: 15, now: () => new Date(holderClock) });
    const b = elector('watcher-b');
    expect(await a.tryAcquire()).toBe(true);
    // WHEN it keeps renewing every 10 s THEN the other replica never takes over
    for (let step = 0; step < 5; step += 1) {
      expect(await b.tryAcquire()).toBe(false);
      clock += 10_000;
      holderClock += 10_000;
      expect(await a.tryAcquire()).toBe(true);
    }
    // WHEN it stops renewing THEN the other takes over one lease duration after it last saw a change
    expect(await b.tryAcquire()).toBe(false);
    clock += 14_000;
    expect(await b.tryAcquire()).toBe(false);
    clock += 1_000;
    expect(await b.tryAcquire()).toBe(true);
  });

  it('does not wait for a holder whose clock runs ahead once it stops renewing', async () => {
    // GIVEN a holder whose clock is an hour ahead (its renewTime looks valid for an hour)
    const api = fake.kubeConfig().makeApiClient(CoordinationV1Api);
    const a = new LeaseElector({ api, namespace: 'phoenix', identity: 'watcher-a', leaseDurationSeconds: 15, now: () => new Date(clock + 3_600_000) });
    const b = elector('watcher-b');
    expect(await a.tryAcquire()).toBe(true);
    // WHEN it stops renewing THEN the other takes over after one lease duration of its own clock
    expect(await b.tryAcquire()).toBe(false);
    clock += 15_000;
    expect(await b.tryAcquire()).toBe(true);
  });

  it('hands over at once when the holder releases on shutdown', async () => {
    const a = elector('watcher-a');
    const b = elector('watcher-b');
    expect(await a.tryAcquire()).toBe(true);
    await a.release();
    expect(a.isLeader).toBe(false);
    expect(await b.tryAcquire()).toBe(true);
  });

  it('fails when the API server errors, instead of claiming leadership', async () => {
    const a = elector('watcher-a');
    fake.failWith = 503;
    await expect(a.tryAcquire()).rejects.toThrow();
    expect(a.isLeader).toBe(false);
  });

  it('fails when no identity is given', () => {
    expect(() => elector('')).toThrow(/needs an identity/);
  });
});
