// Writes genreport's figures for each model of a run (its report.json) into that
// bundle's card.json, as measured.genreport: FID in the classifier's space, classes
// covered, class KL, classifier score, and the class shares of the samples (from the
// mode-coverage chart's data), with the 4% bar checked.
//   node training/cifar10/record-genreport.mjs reports/cifar10-gans/report.json
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [reportPath] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: record-genreport.mjs <report.json>');
  process.exit(2);
}
const root = resolve(import.meta.dirname, '../..');
const report = JSON.parse(readFileSync(reportPath, 'utf8'));
const coverage = report.charts.find((c) => c.id === 'mode-coverage')?.spec.data.values ?? [];
const value = (r) => (r?.kind === 'value' ? Number(r.value.toPrecision(4)) : null);

for (const model of report.models) {
  if (model.status !== 'ok') continue;
  const r = report.results[model.name];
  const shares = coverage.filter((v) => v.model === model.name).map((v) => v.generated);
  const cardPath = join(root, model.bundle, 'card.json');
  const card = JSON.parse(readFileSync(cardPath, 'utf8'));
  card.measured.genreport = {
    command: 'node bin/genreport.js run samples/cifar10/gan-coverage.yaml --out reports/cifar10-gans',
    version: report.tool.version,
    data: `CIFAR-10 test (first ${report.dataset.count ?? report.dataset.n ?? 2000} images)`,
    featureSpace: 'samples/cifar10/classifier (128-d penultimate layer)',
    samples: model.samples ?? report.run?.samples,
    fidInClassifierSpace: value(r.fid),
    classesCovered: value(r['classes-covered']),
    classKl: value(r['class-kl']),
    classifierScore: value(r['classifier-score']),
    classShares: shares,
    minClassShare: Math.min(...shares),
    allClassesAtLeast4Percent: shares.length === 10 && Math.min(...shares) >= 0.04,
  };
  writeFileSync(cardPath, JSON.stringify(card, null, 2) + '\n');
  console.log(model.name, JSON.stringify(card.measured.genreport));
}
