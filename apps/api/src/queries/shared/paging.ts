import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { isText } from '../../http/body-gate';
import { problems } from '../../http/problem';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

/** `limit` and `cursor`, shared by every list query. */
export class PageQueryDto {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass it as `cursor` to read the next page; null on the last page. */
  nextCursor: string | null;
}

/** A cursor is the sort key of the last item served, opaque to clients. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, parts: number): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts && key.every((part) => typeof part === 'string' && isText(part))) return key;
  } catch {
    // Falls through to the 400.
  }
  throw problems.invalidRequest([{ field: 'cursor', message: 'cursor must be a nextCursor this API answered' }]);
}

/** Cuts the one extra row fetched to learn whether another page follows. */
export function pageOf<Row, Item>(rows: Row[], limit: number, item: (row: Row) => Item, key: (row: Row) => string[]): Page<Item> {
  const more = rows.length > limit;
  const served = more ? rows.slice(0, limit) : rows;
  return { items: served.map(item), nextCursor: more ? encodeCursor(key(served[served.length - 1])) : null };
}
