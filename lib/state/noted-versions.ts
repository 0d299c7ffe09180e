import { compareKeys } from '../core/keyset.js';
import type { Key } from '../core/table.js';
import type { ValueKind } from '../core/values.js';
import type { NotesLoader, VersionList } from '../core/version-list.js';

/** A place in the notes (NotedVersions.mark). */
export interface NotesMark {
  readonly seq: number;
  readonly list: VersionList;
  readonly pos: number;
  readonly exhausted: boolean;
}

/**
 * A cursor over the notes of one generation. Pages of the current run rarely line up with the
 * pages that wrote the notes, so it hands out notes by key (everything up to a key), one stored
 * page in hand. The stored page after it is asked for as soon as that one is taken: over a slow
 * link to MySQL each load is a round trip the source's page would otherwise wait for. Memory
 * stays at two stored pages.
 */
export class NotedVersions {
  readonly #load: NotesLoader;
  readonly #kinds: readonly ValueKind[];
  #seq = -1;
  #list: VersionList = { keys: [], versions: [] };
  #pos = 0;
  #exhausted = false;
  /** The load of the stored page after `after`, started ahead. */
  #ahead: { after: number; page: ReturnType<NotesLoader> } | undefined;

  constructor(load: NotesLoader, kinds: readonly ValueKind[]) {
    this.#load = load;
    this.#kinds = kinds;
  }

  /** Where the cursor is, for `rewind`: the stored page in hand and the place in it. */
  mark(): NotesMark {
    return { seq: this.#seq, list: this.#list, pos: this.#pos, exhausted: this.#exhausted };
  }

  /** Back to a mark, for a page that is read again: its notes are handed out again. */
  rewind(mark: NotesMark): void {
    this.#seq = mark.seq;
    this.#list = mark.list;
    this.#pos = mark.pos;
    this.#exhausted = mark.exhausted;
  }

  /** The stored page after `after`: the one read ahead if it is that one (not after a rewind), else read now. */
  #loadAfter(after: number): ReturnType<NotesLoader> {
    const ahead = this.#ahead;
    this.#ahead = undefined;
    return ahead?.after === after ? ahead.page : this.#load(after);
  }

  /** Starts loading the stored page after `after`; a failure is thrown to whoever takes it. */
  #readAhead(after: number): void {
    const page = this.#load(after);
    page.catch(() => undefined);
    this.#ahead = { after, page };
  }

  /** The notes for keys up to `through` (inclusive) not handed out yet; with null, all the rest. */
  async through(through: Key | null): Promise<VersionList> {
    return (await this.throughAtMost(through, Number.POSITIVE_INFINITY))!;
  }

  /**
   * As `through`, unless more than `limit` notes lie there: then they are passed over without
   * being kept, and the answer is undefined. A range the source lost millions of rows from
   * would otherwise hold millions of notes at once.
   */
  async throughAtMost(through: Key | null, limit: number): Promise<VersionList | undefined> {
    let out: VersionList | undefined = { keys: [], versions: [] };
    for (;;) {
      while (this.#pos < this.#list.keys.length) {
        const key = this.#list.keys[this.#pos]!;
        if (through && compareKeys(this.#kinds, key, through) > 0) return out;
        if (out && out.keys.length >= limit) out = undefined;
        out?.keys.push(key);
        out?.versions.push(this.#list.versions[this.#pos]!);
        this.#pos++;
      }
      if (this.#exhausted) return out;
      const next = await this.#loadAfter(this.#seq);
      if (!next) {
        this.#exhausted = true;
        return out;
      }
      this.#seq = next.seq;
      this.#list = next.list;
      this.#pos = 0;
      this.#readAhead(next.seq);
    }
  }
}
