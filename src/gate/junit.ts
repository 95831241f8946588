/**
 * The gate plan as JUnit XML: one test case per model × metric, so any CI
 * system lists them. A regression inside the uncertainty passes, with the
 * reason in system-out; a metric without a baseline is skipped.
 */
import { formatValue } from '../render/format.ts';
import { countByStatus, type GatePlan, type GateOutcome } from './plan.ts';

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped rather than breaking the file.
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function testCase(o: GateOutcome): string {
  const open = `    <testcase classname="${escapeXml(`genreport.${o.model}`)}" name="${escapeXml(o.metricId)}">`;
  const summary = escapeXml(
    `${o.metricLabel}: baseline ${o.baseline === undefined ? '–' : formatValue(o.baseline)}, current ${o.current === undefined ? '–' : formatValue(o.current)}; ${o.note}`,
  );
  switch (o.status) {
    case 'fail':
      return `${open}\n      <failure message="${escapeXml(o.note)}" type="regression">${summary}</failure>\n    </testcase>`;
    case 'skipped':
      return `${open}\n      <skipped message="${escapeXml(o.note)}"/>\n    </testcase>`;
    default:
      return `${open}\n      <system-out>${summary}</system-out>\n    </testcase>`;
  }
}

export function gateJunit(plan: GatePlan): string {
  const c = countByStatus(plan);
  const attrs = `name="genreport check" tests="${plan.outcomes.length}" failures="${c.fail}" errors="0" skipped="${c.skipped}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attrs}>`,
    `  <testsuite ${attrs}>`,
    // JUnit has no warnings; suite-level output is what CI systems show beside the cases.
    ...(plan.warnings.length > 0
      ? [`    <system-out>${escapeXml(plan.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-out>`]
      : []),
    ...plan.outcomes.map(testCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
