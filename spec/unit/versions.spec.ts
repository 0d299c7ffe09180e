import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { compareVersions, emptyVersionList, type VersionList } from '../../lib/core/version-list.js';
import { NotedVersions } from '../../lib/state/noted-versions.js';
import { decodeList, encodeList } from '../../lib/core/version-codec.js';
import type { ColumnSpec, Key, TableSpec } from '../../lib/core/table.js';
import { versionFingerprint } from '../../lib/state/row-versions.js';

/** A VersionList from [key, version] pairs (single-column keys given as the bare value). */
function list(...entries: Array<[key: Key[number] | Key, version: string]>): VersionList {
  return {
    keys: entries.map(([key]) => (Array.isArray(key) ? key : [key])),
    versions: entries.map(([, version]) => version),
  };
}

/**
 * A NotedVersions over stored pages (seq 0, 1, …) whose loader counts its calls and remembers
 * the seq it was asked to read after.
 */
function cursor(pages: VersionList[], kinds: Parameters<typeof compareVersions>[0] = ['integer']) {
  const asked: number[] = [];
  const noted = new NotedVersions(async (afterSeq) => {
    asked.push(afterSeq);
    const seq = afterSeq + 1;
    return seq < pages.length ? { seq, list: pages[seq]! } : undefined;
  }, kinds);
  return { noted, asked };
}

describe('record versions', () => {
  describe('compareVersions', () => {
    it('counts rows whose version is the one noted as the same', () => {
      const verdict = compareVersions(['integer'], list([1, '10'], [2, '11'], [3, '12']), list([1, '10'], [2, '11'], [3, '12']));
      expect(verdict).to.deep.equal({ changed: [], gone: [], same: 3 });
    });

    it('picks rows whose version differs from the noted one', () => {
      const verdict = compareVersions(['integer'], list([1, '10'], [2, '57'], [3, '12']), list([1, '10'], [2, '11'], [3, '12']));
      expect(verdict).to.deep.equal({ changed: [[2]], gone: [], same: 2 });
    });

    it('picks keys the notes do not have: new rows', () => {
      const verdict = compareVersions(['integer'], list([1, '10'], [2, '60'], [4, '61']), list([1, '10']));
      expect(verdict).to.deep.equal({ changed: [[2], [4]], gone: [], same: 1 });
    });

    it('names noted keys the source no longer has as gone', () => {
      const verdict = compareVersions(['integer'], list([2, '11']), list([1, '10'], [2, '11'], [3, '12']));
      expect(verdict).to.deep.equal({ changed: [], gone: [[1], [3]], same: 1 });
    });

    it('sorts out a mix of same, changed, new and gone rows in one pass, keys in key order', () => {
      const now = list([1, '10'], [2, '90'], [3, '91'], [5, '14'], [7, '92']);
      const noted = list([1, '10'], [2, '11'], [4, '13'], [5, '14'], [6, '15']);
      expect(compareVersions(['integer'], now, noted)).to.deep.equal({ changed: [[2], [3], [7]], gone: [[4], [6]], same: 2 });
    });

    it('orders integer keys as numbers, not as text', () => {
      // As text '10' < '9'; a merge in that order would call both rows new and gone.
      const verdict = compareVersions(['integer'], list([9, '1'], [10, '2']), list([9, '1'], [10, '2']));
      expect(verdict).to.deep.equal({ changed: [], gone: [], same: 2 });
    });

    it('matches composite keys on every column', () => {
      const kinds = ['integer', 'text'] as const;
      const now = list([[1, 'A'], '5'], [[1, 'B'], '6'], [[2, 'A'], '9']);
      const noted = list([[1, 'A'], '5'], [[1, 'C'], '7'], [[2, 'A'], '8']);
      expect(compareVersions(kinds, now, noted)).to.deep.equal({ changed: [[1, 'B'], [2, 'A']], gone: [[1, 'C']], same: 1 });
    });

    it('orders text keys by code point, the way the source reads them', () => {
      // U+FFFD sorts before U+1F600 by code point, after it by UTF-16 code unit.
      const now = list(['\uFFFD', '1'], ['\u{1F600}', '2']);
      const noted = list(['\u{1F600}', '2']);
      expect(compareVersions(['text'], now, noted)).to.deep.equal({ changed: [['\uFFFD']], gone: [], same: 1 });
    });

    it('compares BIGINT keys given as strings beyond 2^53 exactly', () => {
      const now = list(['9007199254740993', '4']);
      const noted = list(['9007199254740992', '3'], ['9007199254740993', '4']);
      expect(compareVersions(['bigint'], now, noted)).to.deep.equal({ changed: [], gone: [['9007199254740992']], same: 1 });
    });

    it('is empty for empty lists on both sides', () => {
      expect(compareVersions(['integer'], emptyVersionList(), emptyVersionList())).to.deep.equal({ changed: [], gone: [], same: 0 });
    });

    it('calls every row changed when nothing was noted, and every noted key gone when the source is empty', () => {
      expect(compareVersions(['integer'], list([1, '1'], [2, '2']), emptyVersionList())).to.deep.equal({ changed: [[1], [2]], gone: [], same: 0 });
      expect(compareVersions(['integer'], emptyVersionList(), list([1, '1'], [2, '2']))).to.deep.equal({ changed: [], gone: [[1], [2]], same: 0 });
    });
  });

  describe('encodeList / decodeList', () => {
    it('writes single integer keys compactly: a marker byte, the count, then differences as varints', () => {
      const original = list([1, '100'], [2, '101'], [3, '250']);
      const encoded = encodeList(original);
      // 1, 3 rows; key +1 → 2, version +100 → 200 (two bytes); +1 → 2, +1 → 2; +1 → 2, +149 → 298 (two bytes).
      expect([...encoded]).to.deep.equal([0x01, 3, 2, 0xc8, 0x01, 2, 2, 2, 0xaa, 0x02]);
      expect(decodeList(encoded)).to.deep.equal(original);
    });

    it('round-trips integer keys across the whole INTEGER range, versions up to 2^48, in any steps', () => {
      const original = list([-2147483648, '0'], [-1, '281474976710655'], [0, '1'], [5, '1'], [2147483647, '7']);
      const encoded = encodeList(original);
      expect(encoded[0]).to.equal(0x01);
      expect(decodeList(encoded)).to.deep.equal(original);
    });

    it('takes a few bytes a row for a page of 10,000 keys', () => {
      const page = list(...Array.from({ length: 10_000 }, (_, i): [number, string] => [i + 1, String(1_000_000 + (i % 7) * 131)]));
      const encoded = encodeList(page);
      expect(encoded.length).to.be.below(4 * 10_000);
      expect(decodeList(encoded)).to.deep.equal(page);
    });

    it('keeps versions that are not in canonical decimal exactly, in gzipped JSON', () => {
      const original = list([1, '007'], [2, '1e3']);
      const encoded = encodeList(original);
      expect(encoded.subarray(0, 2)).to.deep.equal(Buffer.from([0x1f, 0x8b]), 'gzip magic');
      expect(decodeList(encoded)).to.deep.equal(original);
    });

    it('reads notes an earlier fbsync wrote as gzipped JSON, integer keys included', () => {
      const earlier = gzipSync(JSON.stringify({ keys: [[1], [2]], versions: ['100', '101'] }));
      expect(decodeList(earlier)).to.deep.equal(list([1, '100'], [2, '101']));
    });

    it('refuses compact notes cut short rather than guess the rest', () => {
      const encoded = encodeList(list([1, '100'], [2, '300']));
      expect(() => decodeList(encoded.subarray(0, encoded.length - 1))).to.throw(/cut short/);
    });

    it('writes keys that are not one integer as gzipped JSON, binary key parts given back as Buffers', () => {
      const original = list([[Buffer.from([0x00, 0xff, 0x10]), 7], '42'], [[Buffer.alloc(0), 8], '43']);
      const encoded = encodeList(original);
      expect(encoded.subarray(0, 2)).to.deep.equal(Buffer.from([0x1f, 0x8b]), 'gzip magic');
      const decoded = decodeList(encoded);
      expect(Buffer.isBuffer(decoded.keys[0]![0])).to.equal(true);
      expect(decoded).to.deep.equal(original);
    });

    it('keeps BIGINT keys given as strings as the same strings, digit for digit', () => {
      const original = list(['9223372036854775807', '1'], ['-9223372036854775808', '2']);
      const decoded = decodeList(encodeList(original));
      expect(decoded.keys).to.deep.equal([['9223372036854775807'], ['-9223372036854775808']]);
    });

    it('keeps text with any characters, and NULL-free composite keys of mixed kinds', () => {
      const original = list([['Conceição — nº 1 \u{1F600}', 12, '2024-02-29 23:59:59.9990'], '77']);
      expect(decodeList(encodeList(original))).to.deep.equal(original);
    });

    it('round-trips an empty list', () => {
      expect(decodeList(encodeList(emptyVersionList()))).to.deep.equal({ keys: [], versions: [] });
    });
  });

  describe('NotedVersions', () => {
    const pages = [list([1, 'a'], [2, 'b'], [3, 'c']), list([4, 'd'], [5, 'e']), list([6, 'f'], [7, 'g'], [8, 'h'])];

    it('hands out the notes up to a key, inclusive, across stored pages', async () => {
      const { noted } = cursor(pages);
      expect(await noted.through([2])).to.deep.equal(list([1, 'a'], [2, 'b']));
      expect(await noted.through([6])).to.deep.equal(list([3, 'c'], [4, 'd'], [5, 'e'], [6, 'f']));
    });

    it('hands out a key between noted keys as everything below it', async () => {
      const { noted } = cursor([list([10, 'a'], [20, 'b'], [30, 'c'])]);
      expect(await noted.through([25])).to.deep.equal(list([10, 'a'], [20, 'b']));
      expect(await noted.through([26])).to.deep.equal(emptyVersionList());
    });

    it('with null hands out all the rest, then nothing', async () => {
      const { noted } = cursor(pages);
      await noted.through([4]);
      expect(await noted.through(null)).to.deep.equal(list([5, 'e'], [6, 'f'], [7, 'g'], [8, 'h']));
      expect(await noted.through(null)).to.deep.equal(emptyVersionList());
    });

    it('never hands out a note twice, whatever order the bounds come in', async () => {
      const { noted } = cursor(pages);
      await noted.through([5]);
      expect(await noted.through([3]), 'a bound below what was handed out').to.deep.equal(emptyVersionList());
      expect(await noted.through([7])).to.deep.equal(list([6, 'f'], [7, 'g']));
    });

    it('loads the first stored page when a bound first reaches into the notes, and each next one ahead', async () => {
      const { noted, asked } = cursor(pages);
      expect(asked, 'nothing before the first call').to.deep.equal([]);
      await noted.through([1]);
      // Page 0 taken, page 1 asked for at once: over a slow link it is there when needed.
      expect(asked).to.deep.equal([-1, 0]);
      await noted.through([3]);
      // Key 3 ends page 0, but only page 1's first key says nothing more comes up to 3.
      expect(asked, 'page 1 taken, page 2 read ahead').to.deep.equal([-1, 0, 1]);
      await noted.through([4]);
      expect(asked, 'key 4 is in the page already loaded').to.deep.equal([-1, 0, 1]);
      await noted.through(null);
      expect(asked, 'page 2 taken as read ahead, then the end').to.deep.equal([-1, 0, 1, 2]);
      await noted.through(null);
      await noted.through([100]);
      expect(asked, 'past the end the loader is not asked again').to.deep.equal([-1, 0, 1, 2]);
    });

    it('throws a read-ahead that failed only to the bound that needs its page', async () => {
      let calls = 0;
      const noted = new NotedVersions(async (afterSeq) => {
        calls++;
        if (afterSeq === 0) throw new Error('lost');
        return { seq: afterSeq + 1, list: pages[afterSeq + 1]! };
      }, ['integer']);
      expect(await noted.through([2])).to.deep.equal(list([1, 'a'], [2, 'b']));
      expect(calls, 'page 1 read ahead, and failed').to.equal(2);
      let failed: unknown;
      await noted.through([4]).catch((err: unknown) => (failed = err));
      expect((failed as Error | undefined)?.message).to.equal('lost');
    });

    it('with no stored pages hands out nothing, asking the loader once', async () => {
      const { noted, asked } = cursor([]);
      expect(await noted.through([5])).to.deep.equal(emptyVersionList());
      expect(await noted.through(null)).to.deep.equal(emptyVersionList());
      expect(asked).to.deep.equal([-1]);
    });

    it('orders bounds by the key kinds it was given (composite, text by code point)', async () => {
      const { noted } = cursor([list([[1, 'b'], 'v1'], [[1, '\uFFFD'], 'v2'], [[1, '\u{1F600}'], 'v3'], [[2, 'a'], 'v4'])], ['integer', 'text']);
      expect(await noted.through([1, '\uFFFD'])).to.deep.equal(list([[1, 'b'], 'v1'], [[1, '\uFFFD'], 'v2']));
      expect(await noted.through([1, '\u{FFFFF}'])).to.deep.equal(list([[1, '\u{1F600}'], 'v3']));
    });

    describe('mark and rewind', () => {
      it('give a page read again the same notes', async () => {
        const { noted } = cursor(pages);
        const mark = noted.mark();
        const first = await noted.through([2]);
        noted.rewind(mark);
        expect(await noted.through([2])).to.deep.equal(first);
        expect(await noted.through([4])).to.deep.equal(list([3, 'c'], [4, 'd']));
      });

      it('give back notes that spanned stored pages, in key order, loading those pages again', async () => {
        const { noted, asked } = cursor(pages);
        await noted.through([1]);
        const mark = noted.mark();
        const taken = await noted.through([7]);
        expect(taken).to.deep.equal(list([2, 'b'], [3, 'c'], [4, 'd'], [5, 'e'], [6, 'f'], [7, 'g']));
        noted.rewind(mark);
        expect(await noted.through([7])).to.deep.equal(taken);
        // Page 2 read ahead after page 1; the rewind drops it, and it is read ahead again.
        expect(asked).to.deep.equal([-1, 0, 1, 2, 0, 1, 2]);
        expect(await noted.through(null)).to.deep.equal(list([8, 'h']));
      });

      it('let a page read again end at another key (a new snapshot after a lost connection)', async () => {
        const { noted } = cursor(pages);
        const mark = noted.mark();
        await noted.through([5]);
        noted.rewind(mark);
        expect(await noted.through([3])).to.deep.equal(list([1, 'a'], [2, 'b'], [3, 'c']));
        expect(await noted.through([6])).to.deep.equal(list([4, 'd'], [5, 'e'], [6, 'f']));
      });

      it('rewind from past the end of the notes', async () => {
        const { noted } = cursor(pages);
        await noted.through([6]);
        const mark = noted.mark();
        expect(await noted.through(null)).to.deep.equal(list([7, 'g'], [8, 'h']));
        noted.rewind(mark);
        expect(await noted.through(null)).to.deep.equal(list([7, 'g'], [8, 'h']));
      });
    });

    describe('throughAtMost', () => {
      it('hands out the notes up to a key when there are no more than the limit, across stored pages', async () => {
        const { noted } = cursor(pages);
        expect(await noted.throughAtMost([5], 5)).to.deep.equal(list([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd'], [5, 'e']));
      });

      it('passes over more notes than the limit without keeping them, and goes on after them', async () => {
        const { noted } = cursor(pages);
        expect(await noted.throughAtMost([7], 3)).to.equal(undefined);
        expect(await noted.through(null)).to.deep.equal(list([8, 'h']));
      });

      it('passes over everything left with null as the bound', async () => {
        const { noted } = cursor(pages);
        await noted.through([1]);
        expect(await noted.throughAtMost(null, 2)).to.equal(undefined);
        expect(await noted.through(null)).to.deep.equal(emptyVersionList());
      });
    });
  });
});

describe('the notes\' fingerprint', () => {
  const column = (source: string, round?: number): ColumnSpec => ({
    source, target: source, kind: 'decimal', sourceType: 'NUMERIC(15,4)', nullable: true, firebird: { select: source, padded: false, blob: false, param: '?' }, ...(round === undefined ? {} : { round }),
  });
  const table = (round?: number): TableSpec => ({ source: 'T', target: 'T', key: [0], columns: [column('ID'), column('VALOR', round)] });

  it('changes when rounding (roundToTarget) changes what is written, so that notes taken otherwise are not trusted', () => {
    const db = ['db-guid', 1];
    expect(versionFingerprint(db, table(2))).to.not.equal(versionFingerprint(db, table()));
    expect(versionFingerprint(db, table(2))).to.not.equal(versionFingerprint(db, table(0)));
    expect(versionFingerprint(db, table(2))).to.equal(versionFingerprint(db, table(2)));
  });
});
