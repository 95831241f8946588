/**
 * `npm run bench`: speed figures, printed, never asserted.
 * - start time of --help and check against `node -e 0`
 * - backend chosen and why
 * - our wasm conv kernels against the built-in ones
 * - images/s for sampling (per model; the autoregressive 500-in-3-minutes target) and for feature extraction
 * - images/s of the ONNX extractor on an Inception-v3-sized network beside PyTorch, and the share of
 *   the float32 peak (best measured sgemm) each reaches (onnx-extractor.ts; the network is cached in .cache/bench/)
 * - seconds per pipeline stage for the demo report
 * - FID, KID and PRDC at full size against numpy/sklearn on the same data (ratios)
 */
import { mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from '../src/config/config.ts';
import { initBackend } from '../src/core/backend.ts';
import { createLogger } from '../src/core/logger.ts';
import { loadMnist } from '../src/data/mnist.ts';
import { loadMnistClassifier } from '../src/features/mnist-classifier.ts';
import { runPipeline } from '../src/pipeline.ts';
import { benchKernels } from './kernels.ts';
import { benchMetrics } from './metrics.ts';
import { benchOnnxExtractor, formatOnnxBench } from './onnx-extractor.ts';
import { benchStartTime } from './start-time.ts';

// First, while nothing else of this process competes for the cores.
benchStartTime();

const backend = await initBackend('auto');
console.log(`backend: ${backend.name} (${backend.reason})`);

if (backend.name === 'wasm') {
  console.log('\nwasm kernels (median ms, batch 64):');
  for (const row of await benchKernels()) {
    const speedup = row.builtinMs === null ? 0 : row.builtinMs / row.oursMs;
    const ratio =
      row.builtinMs === null
        ? 'built-in: none'
        : `built-in ${row.builtinMs.toFixed(1)} ms: ours ${speedup >= 1 ? `${speedup.toFixed(1)}x faster` : `${(1 / speedup).toFixed(1)}x slower`}`;
    console.log(`  ${row.name.padEnd(72)} ${row.oursMs.toFixed(1).padStart(7)} ms  (${ratio})`);
  }
}

const extractor = await loadMnistClassifier();
const images = loadMnist('test', 5000).images;
await extractor.extract(loadMnist('test', 250).images, 250); // warm-up
const started = performance.now();
await extractor.extract(images, 250);
const seconds = (performance.now() - started) / 1000;
console.log(`\nfeature extraction (${extractor.info.name}): ${(images.n / seconds).toFixed(0)} images/s over ${images.n} images`);
extractor.dispose();
console.log(formatOnnxBench(await benchOnnxExtractor()));

const demo = fileURLToPath(new URL('../samples/demo.yaml', import.meta.url));
const { config } = readConfig(demo);
const out = mkdtempSync(join(tmpdir(), 'genreport-bench-'));
const result = await runPipeline(config, { out, backend: 'auto', command: 'npm run bench', logger: createLogger({ quiet: true }) });
console.log(`\ndemo report (${config.models.length} models, ${config.samples} samples each, ${result.data.dataset.count} real images):`);
for (const m of result.data.models) {
  console.log(`  sampling ${m.name.padEnd(20)} ${m.samplesPerSecond?.toFixed(m.samplesPerSecond < 100 ? 1 : 0).padStart(7)} images/s`);
}
// Issue 3's target: an autoregressive sample model draws 500 images within 3 minutes.
// On wasm its batches run on one worker thread per core (as many as there are batches).
const threads = backend.name === 'wasm' ? Math.min(availableParallelism(), Math.ceil(config.samples / config.batchSize)) : 1;
for (const m of result.data.models.filter((m) => m.family === 'autoregressive' && m.samplesPerSecond)) {
  const seconds = 500 / m.samplesPerSecond!;
  console.log(`  ${m.name}: 500 samples in ${seconds.toFixed(0)} s on ${threads} thread(s) (target <= 180 s: ${seconds <= 180 ? 'met' : `missed by ${(seconds / 180).toFixed(1)}x`})`);
}
let total = 0;
for (const t of result.data.run.timings) {
  total += t.seconds;
  console.log(`  stage ${t.stage.padEnd(13)} ${t.seconds.toFixed(2).padStart(7)} s`);
}
console.log(`  total               ${total.toFixed(2).padStart(7)} s${result.pdfSkipped ? ' (PDF skipped: no browser)' : ''}`);

console.log('\nmetrics against the Python references (same data, same run):');
await benchMetrics();
