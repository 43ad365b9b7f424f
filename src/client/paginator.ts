/**
 * Cursor pagination over list endpoints that answer with an `X-Next-Token` header.
 *
 * Iterate items with `for await (const x of paginator)`, pages with `paginator.pages()`, or
 * drive it by hand with `hasNext` / `nextItems()` as with the official SDK.
 */
import type { CallOptions } from './config.js';

/** Fetches one page given the cursor of the previous one. */
export type PageFetcher<T> = (nextToken: string | undefined, opts: CallOptions) => Promise<{ items: T[]; nextToken?: string }>;

export class Paginator<T> implements AsyncIterable<T> {
  #nextToken: string | undefined;
  #hasNext = true;

  constructor(
    private readonly fetchPage: PageFetcher<T>,
    nextToken?: string,
  ) {
    this.#nextToken = nextToken;
  }

  /** Whether another page may exist. */
  get hasNext(): boolean {
    return this.#hasNext;
  }

  /** Cursor of the next page, if any (can be passed to a later `list({ nextToken })`). */
  get nextToken(): string | undefined {
    return this.#nextToken;
  }

  /** Fetches the next page. Throws when there is none. */
  async nextItems(opts: CallOptions = {}): Promise<T[]> {
    if (!this.#hasNext) throw new Error('no more pages: check hasNext before calling nextItems()');
    const page = await this.fetchPage(this.#nextToken, opts);
    this.#nextToken = page.nextToken || undefined;
    this.#hasNext = this.#nextToken !== undefined;
    return page.items;
  }

  /** Yields each page in turn. */
  async *pages(opts: CallOptions = {}): AsyncGenerator<T[]> {
    while (this.#hasNext) yield await this.nextItems(opts);
  }

  /** Yields each item of every page. */
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page;
  }

  /** Collects items until the pages run out or `max` items were gathered. */
  async toArray(opts: CallOptions & { max?: number } = {}): Promise<T[]> {
    const out: T[] = [];
    for await (const page of this.pages(opts)) {
      out.push(...page);
      if (opts.max !== undefined && out.length >= opts.max) return out.slice(0, opts.max);
    }
    return out;
  }
}
