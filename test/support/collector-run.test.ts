import { describe, expect, it } from 'vitest';
import { landedDifferences, samplesDifference, seriesKey } from './collector-run';
import { scrapedInput, type ExpositionServer } from './exposition';

// The comparison the real-collector tests assert with: it must find every way the landed series
// can differ from the prediction, or those tests could not fail.

const predicted = [
  {
    name: 'x_total',
    labels: { a: '1' },
    samples: [
      [1, 10],
      [2, 20],
    ] as const,
  },
  { name: 'x_total', labels: { a: '2' }, samples: [[1, 5]] as const },
];

describe('landedDifferences', () => {
  it('is empty when every predicted series landed with its timestamps and values (1e-9 relative)', () => {
    const landed = new Map([
      [
        seriesKey('x_total', { a: '1' }),
        [
          [1, 10],
          [2, 20 * (1 + 1e-10)],
        ] as Array<[number, number]>,
      ],
      [seriesKey('x_total', { a: '2' }), [[1, 5]] as Array<[number, number]>],
    ]);
    expect(landedDifferences(landed, predicted)).toEqual([]);
  });

  it('names a missing series, an extra one, other timestamps and a value off by more than 1e-9', () => {
    const landed = new Map([
      [
        seriesKey('x_total', { a: '1' }),
        [
          [1, 10],
          [2, 20.001],
        ] as Array<[number, number]>,
      ],
      [seriesKey('x_total', { a: '3' }), [[1, 5]] as Array<[number, number]>],
    ]);
    expect(landedDifferences(landed, predicted)).toEqual([
      'extra x_total[["a","3"]]',
      'x_total[["a","1"]]: at 2: 20.001 is not 20',
      'missing x_total[["a","2"]]',
    ]);
    expect(
      samplesDifference(
        [[1, 10]],
        [
          [1, 10],
          [2, 20],
        ],
      ),
    ).toBe('timestamps 1 are not 1,2');
    expect(samplesDifference([[1, NaN]], [[1, 10]])).toBe('at 1: NaN is not 10');
  });

  it('keys a series by its name and its labels in name order', () => {
    expect(seriesKey('m', { b: '2', a: '1' })).toBe(seriesKey('m', { a: '1', b: '2' }));
    expect(seriesKey('m', { a: '1' })).not.toBe(seriesKey('n', { a: '1' }));
  });
});

describe('scrapedInput', () => {
  it('lists each scraped series once, in the order first served, with its samples at the serve times', () => {
    const exposition = {
      addresses: new Map([
        ['a', '127.0.0.1:1'],
        ['b', '127.0.0.1:2'],
      ]),
      scrapes: [
        {
          target: 'a',
          scrape: 0,
          timestampMs: 1000,
          families: [
            { name: 'x', type: 'counter', samples: [{ name: 'x_total', labels: { k: '1' }, value: 1 }] },
            { name: 'g', type: 'gauge', samples: [{ name: 'g', labels: {}, value: 7 }] },
          ],
        },
        { target: 'b', scrape: 0, timestampMs: 1500, families: [{ name: 'x', type: 'counter', samples: [{ name: 'x_total', labels: { k: '1' }, value: 4 }] }] },
        { target: 'a', scrape: 1, timestampMs: 2000, families: [{ name: 'x', type: 'counter', samples: [{ name: 'x_total', labels: { k: '1' }, value: 3 }] }] },
      ],
    } as unknown as ExpositionServer;
    const { input, samples } = scrapedInput(exposition, 'job', (family) => family.name === 'x');
    expect(input).toEqual([
      { name: 'x_total', labels: { k: '1', job: 'job', instance: '127.0.0.1:1' }, type: 'counter' },
      { name: 'x_total', labels: { k: '1', job: 'job', instance: '127.0.0.1:2' }, type: 'counter' },
    ]);
    expect(samples).toEqual([
      [
        [1, 1],
        [2, 3],
      ],
      [[1.5, 4]],
    ]);
  });
});
