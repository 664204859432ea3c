import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import * as z from 'zod';
import { createMetrics } from '../../server/metrics/index.js';

const DEPLOY = resolve(import.meta.dirname, '..', '..', 'deploy');

const RuleFile = z.object({
  groups: z.array(z.object({ name: z.string(), rules: z.array(z.object({ alert: z.string(), expr: z.string() }).loose()) })),
});

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: DEPLOY, encoding: 'utf8' });
  if (run.error !== undefined) throw new Error(`promtool could not run (npm test installs Debian's prometheus package): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Metric names an expression reads, without the histogram series suffixes. */
function metricNames(expr: string): string[] {
  const names = expr.match(/\b(?:liveblog|nodejs|process)_[a-z0-9_]+/g) ?? [];
  return [...new Set(names.map((n) => n.replace(/_(bucket|count|sum)$/, '')))];
}

describe('deploy/alerts.yaml', () => {
  it('when promtool checks the rules, then they are valid', () => {
    const check = promtool('check', 'rules', 'alerts.yaml');
    assert.equal(check.status, 0, check.output);
  });

  it('when promtool runs the rule unit tests, then each alert fires on its trouble and not on a healthy instance', () => {
    const test = promtool('test', 'rules', 'alerts.test.yaml');
    assert.equal(test.status, 0, test.output);
  });

  it('when an alert reads a metric, then the service exports that metric', async () => {
    const file = RuleFile.parse(parse(readFileSync(join(DEPLOY, 'alerts.yaml'), 'utf8')));
    const metrics = createMetrics({ processMetrics: true });
    const exported = new Set((await metrics.registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = file.groups.flatMap((g) => g.rules);
    assert.ok(rules.length >= 5, 'at least five alerts');
    for (const rule of rules) {
      const names = metricNames(rule.expr);
      assert.ok(names.length > 0, `${rule.alert} reads some metric`);
      for (const name of names) assert.ok(exported.has(name), `${rule.alert} reads ${name}, which the service exports`);
    }
  });
});
