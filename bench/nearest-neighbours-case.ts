/**
 * One timed nearest-neighbour computation in a process of its own, so that
 * its peak memory (maxRSS) is its own: `node --import tsx
 * bench/nearest-neighbours-case.ts METRIC REAL.npy FAKE.npy [TRAIN.npy]`
 * prints one JSON line {seconds, inputRssMiB, peakRssMiB, value}.
 * inputRssMiB is the peak after the features were read, before the metric.
 */
import { readFeatureFile } from '../src/metrics/feature-files.ts';
import { memorisationFromFeatures } from '../src/metrics/memorisation.ts';
import { nearestRows } from '../src/metrics/nearest-neighbours.ts';
import { prdcFromFeatures } from '../src/metrics/prdc.ts';

const [metric, realFile, fakeFile, trainFile] = process.argv.slice(2);
if (!realFile || !fakeFile)
  throw new Error(
    'usage: nearest-neighbours-case.ts <metric> <real features> <generated features> [training features]',
  );
const real = readFeatureFile(realFile).features;
const fake = readFeatureFile(fakeFile).features;
const train = trainFile ? readFeatureFile(trainFile).features : undefined;
const mib = () => process.resourceUsage().maxRSS / 1024;
const inputRssMiB = mib();

const started = performance.now();
let value: unknown;
if (metric === 'prdc') {
  value = prdcFromFeatures(real, fake, { prK: 5, prdcK: 5 }); // k = 5 for all four, as the reference
} else if (metric === 'nearest-real') {
  const { distance } = nearestRows(fake, real);
  value = { meanDistance: distance.reduce((s, v) => s + v, 0) / distance.length };
} else if (metric === 'memorisation') {
  if (!train) throw new Error('memorisation needs TRAIN.npy');
  const m = memorisationFromFeatures(train, real, fake);
  value = { shareBelowBaseline: m.shareBelowBaseline, medianDistanceRatio: m.medianDistanceRatio };
} else {
  throw new Error(`unknown metric ${metric} (prdc, nearest-real, memorisation)`);
}
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ seconds, inputRssMiB, peakRssMiB: mib(), value }));
