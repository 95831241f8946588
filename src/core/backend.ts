/**
 * Backend selection: tfjs-node-gpu where it loads (a CUDA machine), else the
 * WebAssembly backend (SIMD), else the plain JS backend as a last resort.
 * The choice and the reason are printed by the caller and kept in the report.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { GenreportError } from './errors.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export type BackendPreference = 'auto' | BackendName;

export const BACKEND_CHOICES: BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  name: BackendName;
  reason: string;
  /** What the tensors run on, e.g. 'GPU: NVIDIA H100 80GB HBM3 (CUDA, tfjs-node-gpu)' or 'CPU: AMD EPYC 7B13, 2 cores'. */
  device: string;
}

let current: BackendChoice | null = null;

/** Initialise tfjs once per process; later calls return the first choice. */
export async function initBackend(preference: BackendPreference = 'auto'): Promise<BackendChoice> {
  if (current) return current;
  const tried: string[] = [];
  const order: BackendName[] = preference === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preference];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === null) {
      const reason =
        preference === 'auto'
          ? tried.length === 0
            ? `${describe(name)} loaded`
            : `${describe(name)}; ${tried.join('; ')}`
          : `requested with --backend ${name}`;
      current = { name, reason, device: deviceOf(name) };
      return current;
    }
    tried.push(`${name === 'tensorflow' ? 'tfjs-node-gpu' : name}: ${failure}`);
  }
  throw new GenreportError(
    { field: '--backend', message: `no TensorFlow.js backend could start (${tried.join('; ')})` },
    preference === 'auto' ? 'internal' : 'input',
  );
}

export function currentBackend(): BackendChoice | null {
  return current;
}

/**
 * The device behind a backend. tfjs-node-gpu runs on the GPU when CUDA finds
 * one and silently on the CPU otherwise, and tells JavaScript neither; the
 * driver's nvidia-smi does, so a GPU is named only when it lists one.
 */
export function deviceOf(name: BackendName, gpus: () => string[] = nvidiaGpus): string {
  const cpu = cpuDescription();
  if (name !== 'tensorflow') return `CPU: ${cpu}`;
  const listed = gpus();
  return listed.length > 0
    ? `GPU: ${listed.join(', ')} (CUDA, tfjs-node-gpu)`
    : `CPU: ${cpu} (tfjs-node-gpu found no CUDA GPU)`;
}

export function cpuDescription(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() || os.arch();
  return `${model}, ${os.availableParallelism()} cores`;
}

/** GPU names from `nvidia-smi -L`; none where the driver (or its tool) is absent. */
export function nvidiaGpus(): string[] {
  const listed = spawnSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
    encoding: 'utf8',
    timeout: 5000,
  });
  if (listed.status !== 0 || !listed.stdout) return [];
  return listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function describe(name: BackendName): string {
  switch (name) {
    case 'tensorflow':
      return 'tfjs-node-gpu (native TensorFlow, GPU where CUDA is present)';
    case 'wasm':
      return 'WebAssembly backend with SIMD';
    case 'cpu':
      return 'plain JavaScript backend (slow: about 30x slower than wasm)';
  }
}

/** Returns null on success, else a one-line reason. */
async function tryBackend(name: BackendName): Promise<string | null> {
  try {
    if (name === 'tensorflow') {
      // Optional dependency: absent wherever its libtensorflow download failed.
      const pkg = '@tensorflow/tfjs-node-gpu';
      await import(pkg);
    } else if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
    }
    // tfjs is loaded here, not at start-up: commands that never touch a model start fast.
    const tf = await import('@tensorflow/tfjs');
    const ok = await tf.setBackend(name);
    if (!ok) return 'setBackend returned false';
    await tf.ready();
    if (name === 'wasm') (await import('./kernels/index.ts')).registerWasmKernels();
    // The JS backend greets Node users with a banner suggesting tfjs-node on
    // first write; we already printed our own choice and reason.
    if (name === 'cpu') (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return 'package not installed';
    return firstLine((e as Error).message ?? String(e));
  }
}

function firstLine(s: string): string {
  const line = s.split('\n')[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
