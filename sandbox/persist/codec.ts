/**
 * JSON that keeps what the simulators' state is made of: Maps, Sets and Dates are written as
 * tagged objects and come back as the same types, so a simulator's world survives a restart
 * without a per-field schema.
 */

const MAP = '$map';
const SET = '$set';
const DATE = '$date';

/** Serializes a value with Maps, Sets and Dates kept. */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, encoded: unknown) {
    // `encoded` has been through Date#toJSON already; the holder still has the original.
    const raw = this[key];
    if (raw instanceof Map) return { [MAP]: [...raw.entries()] };
    if (raw instanceof Set) return { [SET]: [...raw.values()] };
    if (raw instanceof Date) return { [DATE]: raw.toISOString() };
    return encoded;
  });
}

/** Parses what `encodeState` wrote. */
export function decodeState<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = value as Record<string, unknown>;
      const keys = Object.keys(tagged);
      if (keys.length === 1) {
        if (keys[0] === MAP && Array.isArray(tagged[MAP])) return new Map(tagged[MAP] as Array<[unknown, unknown]>);
        if (keys[0] === SET && Array.isArray(tagged[SET])) return new Set(tagged[SET] as unknown[]);
        if (keys[0] === DATE && typeof tagged[DATE] === 'string') return new Date(tagged[DATE]);
      }
    }
    return value;
  }) as T;
}

/** Replaces a Map's contents in place (the simulators hold their Maps as readonly fields). */
export function refill<K, V>(target: Map<K, V>, source: Map<K, V> | undefined): void {
  target.clear();
  for (const [k, v] of source ?? []) target.set(k, v);
}
