/**
 * JSON that gives back exactly what went in, for results cached between
 * runs: typed arrays keep their type and every bit (base64 of their bytes),
 * and NaN, ±Infinity and −0 survive (plain JSON turns them into null and 0).
 * A report made from cached results must equal one made from fresh results.
 */

const TYPED = { Float64Array, Float32Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;
const TAG = '$exact';

export function stringifyExact(value: unknown): string {
  // A replacer sees typed arrays before toJSON-less stringification turns them into objects of indices.
  return JSON.stringify(value, function (this: unknown, key: string, v: unknown) {
    const raw = (this as Record<string, unknown>)[key];
    if (typeof raw === 'number' && (!Number.isFinite(raw) || Object.is(raw, -0)))
      return { [TAG]: 'number', value: String(raw === 0 ? '-0' : raw) };
    if (ArrayBuffer.isView(raw)) {
      const name = raw.constructor.name;
      if (!(name in TYPED)) throw new Error(`exact JSON: cannot store a ${name}`);
      return { [TAG]: name, base64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    }
    return v;
  });
}

export function parseExact<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || !(TAG in v)) return v;
    const tagged = v as { [TAG]: string; value?: string; base64?: string };
    if (tagged[TAG] === 'number') return tagged.value === '-0' ? -0 : Number(tagged.value);
    const Typed = TYPED[tagged[TAG] as TypedName];
    if (!Typed || tagged.base64 === undefined) throw new Error(`exact JSON: unknown tag ${tagged[TAG]}`);
    const bytes = Buffer.from(tagged.base64, 'base64');
    // Copied into a fresh, aligned buffer: Buffer's pool offset need not be a multiple of 8.
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    return new Typed(copy.buffer, 0, bytes.byteLength / Typed.BYTES_PER_ELEMENT);
  }) as T;
}
