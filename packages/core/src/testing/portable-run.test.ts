import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { conformanceChecks } from './checks/index.js';
import { findLenetFixture, parseLenetFixture } from './fixture.js';
import { portableOptions, runConformanceChecks } from './portable-run.js';
import { createReferenceBackend } from './reference-backend.js';

describe('the vitest-free conformance runner', () => {
  it('runs every check on the reference backend, all passing, with the fixture handed over as parsed JSON', async () => {
    const fixture = parseLenetFixture(JSON.parse(readFileSync(findLenetFixture(), 'utf8')));
    const seen: string[] = [];
    const reports = await runConformanceChecks(createReferenceBackend(), portableOptions({ fixture }), conformanceChecks, (r) => seen.push(r.id));
    expect(reports).toHaveLength(conformanceChecks.length);
    expect(seen).toEqual(conformanceChecks.map((c) => c.id));
    expect(reports.filter((r) => !r.passed).map((r) => `${r.id}: ${r.failures.join('; ')}`)).toEqual([]);
  }, 120_000);

  it('fails the fixture check, naming the fix, when no fixture is given', async () => {
    const fixtureCheck = conformanceChecks.filter((c) => c.group === 'fixture');
    const [report] = await runConformanceChecks(createReferenceBackend(), portableOptions(), fixtureCheck);
    expect(report!.passed).toBe(false);
    expect(report!.failures.join(' ')).toMatch(/portableOptions\(\{ fixture \}\)/);
  });
});
