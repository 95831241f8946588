// Runs an ONNX file with onnxruntime-node (the runtime genreport uses) on JSON
// inputs and writes the outputs as JSON: the training scripts' export check.
import { readFileSync, writeFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [file, inPath, outPath] = process.argv.slice(2);
const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
const raw = JSON.parse(readFileSync(inPath, 'utf8'));
const feeds = {};
for (const [name, { dims, data }] of Object.entries(raw)) feeds[name] = new ort.Tensor('float32', Float32Array.from(data), dims);
const out = await session.run(feeds);
const result = {};
for (const [name, t] of Object.entries(out)) result[name] = { dims: t.dims, data: Array.from(t.data) };
writeFileSync(outPath, JSON.stringify(result));
