import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { medianOfRuns, medianOfStorms } from '../../bench/report/aggregate.js';
import type { FanoutResult } from '../../bench/scenario.js';
import type { StormResult } from '../../bench/storm.js';
import type { DeliveryFigures } from '../../bench/stats.js';

function delivery(lastReader: number, lost: number, duplicated: number): DeliveryFigures {
  return {
    readers: 100,
    entries: 3,
    deliveries: 300 - lost,
    expected: 300,
    lost,
    duplicated,
    latencyMs: { p50: lastReader / 2, p90: lastReader * 0.9, p99: lastReader, max: lastReader },
    lastReaderMs: { median: lastReader, worst: lastReader },
    deliveriesPerSecond: 1_000,
    burstDeliveriesPerSecond: 2_000,
  };
}

function run(server: FanoutResult['server'], cpu: number, lastReader: number, lost = 0, duplicated = 0): FanoutResult {
  return {
    scenario: '100 readers',
    server,
    instances: 1,
    readers: 100,
    subscribeFailed: 0,
    connectSeconds: 1,
    connectCpuMicrosPerReader: 300,
    delivery: delivery(lastReader, lost, duplicated),
    memoryKiBPerReader: 10,
    serverCpuMicrosPerDelivery: cpu,
    serverCpuBusyPercent: 50,
    redisCpuMs: 1,
    loadgenCpuBusyPercent: 20,
  };
}

describe('folding repeated bench runs', () => {
  it('when a server ran three times, then its row holds the median of each figure and the runs themselves', () => {
    const [row, ...rest] = medianOfRuns([run('service', 30, 200), run('service', 10, 100), run('service', 20, 400)]);
    assert.equal(rest.length, 0);
    assert.equal(row!.runs, 3);
    assert.equal(row!.serverCpuMicrosPerDelivery, 20);
    assert.equal(row!.delivery.lastReaderMs.median, 200);
    assert.equal(row!.delivery.latencyMs.p50, 100);
    assert.deepEqual(row!.perRun.cpuMicrosPerDelivery, [30, 10, 20]);
    assert.equal(row!.server, 'service');
  });

  it('when runs are even in number, then the median is the mean of the middle two', () => {
    const [row] = medianOfRuns([run('limit', 10, 100), run('limit', 14, 300)]);
    assert.equal(row!.serverCpuMicrosPerDelivery, 12);
    assert.equal(row!.delivery.lastReaderMs.median, 200);
  });

  it('when one run lost or doubled deliveries, then the row shows them instead of a middle value', () => {
    const [row] = medianOfRuns([run('service', 10, 100), run('service', 10, 100, 3, 1), run('service', 10, 100)]);
    assert.equal(row!.delivery.lost, 3);
    assert.equal(row!.delivery.duplicated, 1);
  });

  it('when servers and reader counts are mixed, then each gets a row of its own in first-seen order', () => {
    const rows = medianOfRuns([run('service', 10, 100), run('baseline', 20, 200), run('service', 12, 100), run('baseline', 22, 200)]);
    assert.deepEqual(rows.map((r) => [r.server, r.runs, r.serverCpuMicrosPerDelivery]), [['service', 2, 11], ['baseline', 2, 21]]);
  });

  it('when storms repeat, then the time until all caught up is a median with every run kept', () => {
    const storm = (caughtUpMs: number, lost: number): StormResult => ({
      scenario: 'storm',
      readers: 100,
      subscribeFailed: 0,
      resubscribed: 100,
      reconnects: 120,
      downMs: 900,
      resubscribeMs: { median: 1_000, last: caughtUpMs },
      attemptMs: { median: 800, last: 2_000 },
      openMs: { median: 1, p99: 5 },
      answerMs: { median: 2, p99: 10 },
      serverCpuBusyPercent: 90,
      loadgenCpuBusyPercent: 40,
      listenOverflows: 0,
      caughtUpMs,
      delivery: delivery(100, lost, 0),
    });
    const [row] = medianOfStorms([storm(9_000, 0), storm(7_000, 2), storm(8_000, 0)]);
    assert.equal(row!.caughtUpMs, 8_000);
    assert.deepEqual(row!.caughtUpMsPerRun, [9_000, 7_000, 8_000]);
    assert.equal(row!.delivery.lost, 2);
  });
});
