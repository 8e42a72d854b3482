/**
 * Paths of personal fields as the event schemas name them: 'displayName', or 'actionItems[].description' for a
 * field of every item of a list.
 */
type Data = Record<string, unknown>;

const segmentsOf = (path: string) => path.split('.');

/** Every value the path reaches in the data (none where a field or list is absent). */
export function valuesAt(data: Data, path: string): unknown[] {
  const found: unknown[] = [];
  const walk = (value: unknown, segments: readonly string[]) => {
    if (segments.length === 0) {
      if (value !== undefined) found.push(value);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const [head, ...rest] = segments;
    if (head.endsWith('[]')) {
      const list = (value as Data)[head.slice(0, -2)];
      if (Array.isArray(list)) for (const item of list) walk(item, rest);
    } else {
      walk((value as Data)[head], rest);
    }
  };
  walk(data, segmentsOf(path));
  return found;
}

/** A copy of the data with every value the path reaches replaced by `change(value)`; the rest is shared. */
export function mapAt(data: Data, path: string, change: (value: unknown) => unknown): Data {
  const walk = (value: unknown, segments: readonly string[]): unknown => {
    if (segments.length === 0) return value === undefined ? value : change(value);
    if (typeof value !== 'object' || value === null) return value;
    const [head, ...rest] = segments;
    const record = value as Data;
    if (head.endsWith('[]')) {
      const name = head.slice(0, -2);
      const list = record[name];
      return Array.isArray(list) ? { ...record, [name]: list.map((item) => walk(item, rest)) } : record;
    }
    return head in record ? { ...record, [head]: walk(record[head], rest) } : record;
  };
  return walk(data, segmentsOf(path)) as Data;
}
