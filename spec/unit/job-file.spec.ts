/**
 * Job files, checked without a server: what a good file becomes, and the one line each bad
 * file gets (file, line, key, what is allowed), all before anything connects.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobFileError, loadJob, parseJob } from '../../lib/index.js';

const ENV = { FB_PASSWORD: 's3cret', MY_URI: 'mysql://u:p@h/db' };

/** The JobFileError a file's text gets. */
function faultOf(text: string): JobFileError {
  try {
    parseJob(text, 'job.yaml', ENV);
  } catch (err) {
    expect(err).to.be.instanceOf(JobFileError);
    return err as JobFileError;
  }
  throw new Error('the job file was accepted');
}

describe('job files', function () {
  describe('a good file', function () {
    it('gives from, to and the options syncTables takes, ${NAME}s replaced from the environment', function () {
      const job = parseJob(
        [
          'from: firebird://SYSDBA:${FB_PASSWORD}@localhost//data/erp.fdb',
          'to: ${MY_URI}',
          'defaults:',
          '  delete: true',
          '  maxDelete: 10%',
          '  parallel: 2',
          'tables:',
          '  - TB_ESTOQUE',
          '  - name: TB_CLIENTE',
          '    target: clientes',
          '    excludeColumns: [OBS]',
          '    maxDelete: 50',
        ].join('\n'),
        'job.yaml',
        ENV,
      );
      expect(job.from).to.equal('firebird://SYSDBA:s3cret@localhost//data/erp.fdb');
      expect(job.to).to.equal('mysql://u:p@h/db');
      expect(job.options).to.deep.equal({
        delete: true,
        maxDelete: '10%',
        parallel: 2,
        tables: [{ name: 'TB_ESTOQUE' }, { name: 'TB_CLIENTE', target: 'clientes', excludeColumns: ['OBS'], maxDelete: 50 }],
      });
    });

    it('reads JSON, which is YAML too', function () {
      const job = parseJob('{ "allTables": true, "defaults": { "createTables": true }, "tables": [{ "name": "TB_LOG", "delete": true }] }', 'job.json', ENV);
      expect(job.options).to.deep.equal({ createTables: true, allTables: true, tables: [{ name: 'TB_LOG', delete: true }] });
    });

    it('takes roundToTarget for the run (true) and per table (true or a list of columns)', function () {
      const job = parseJob('defaults:\n  roundToTarget: true\ntables:\n  - TB_A\n  - name: TB_B\n    roundToTarget: [DT_ATUALIZACAO, VALOR]\n  - name: TB_C\n    roundToTarget: false\n', 'job.yaml', ENV);
      expect(job.options.roundToTarget).to.equal(true);
      expect(job.options.tables).to.deep.equal(['TB_A', { name: 'TB_B', roundToTarget: ['DT_ATUALIZACAO', 'VALOR'] }, { name: 'TB_C', roundToTarget: false }].map((t) => (typeof t === 'string' ? { name: t } : t)));
    });

    it('keeps $${NAME} as the text ${NAME}', function () {
      expect(parseJob('to: "mysql://u:pa$${X}@h/db"\ntables: [A]', 'job.yaml', {}).to).to.equal('mysql://u:pa${X}@h/db');
    });

    it('is read from a file by loadJob', function () {
      const file = join(mkdtempSync(join(tmpdir(), 'fbsync-job-')), 'job.yaml');
      writeFileSync(file, 'tables: [TB_A]\n');
      expect(loadJob(file, {}).options).to.deep.equal({ tables: [{ name: 'TB_A' }] });
    });
  });

  describe('a bad file: one JOB_FILE error naming the file, the line, the key and what is allowed', function () {
    it('an unknown key, with the nearest known one', function () {
      const err = faultOf('tables:\n  - name: TB_A\n    delet: true\n');
      expect(err.code).to.equal('JOB_FILE');
      expect([err.file, err.line, err.key]).to.deep.equal(['job.yaml', 3, 'tables[0].delet']);
      expect(err.message).to.match(/^job\.yaml:3: tables\[0\]\.delet: unknown key \(did you mean delete\?\); allowed here: name, target, /);
    });

    it('a flag spelt as on the command line, with the option it means', function () {
      expect(faultOf('defaults:\n  page-size: 5\n').message).to.contain('defaults.page-size: unknown key (did you mean pageSize?)');
    });

    it('a run option put in defaults that belongs at the top', function () {
      expect(faultOf('defaults:\n  allTables: true\n').message).to.contain('`allTables` goes at the top level of the file');
    });

    it('a wrong type', function () {
      expect(faultOf('defaults:\n  pageSize: ten\ntables: [A]\n').message).to.equal('job.yaml:2: defaults.pageSize: a string "ten" is not allowed; allowed: a whole number ≥ 1');
    });

    it('a maxDelete that is neither a count nor a share', function () {
      expect(faultOf('tables:\n  - name: A\n    maxDelete: lots\n').message).to.match(/^job\.yaml:3: tables\[0\]\.maxDelete: .*allowed: a whole number of rows ≥ 0, or a share of the target such as 10%$/);
    });

    it('a wrong type for from, without its value (it may hold a password)', function () {
      const err = faultOf('from: [firebird://SYSDBA:masterkey@h//x.fdb]\n');
      expect(err.message).to.equal('job.yaml:1: from: a list is not allowed; allowed: a non-empty string');
    });

    it('a table listed twice (names compared as Firebird compares unquoted names)', function () {
      const err = faultOf('tables:\n  - TB_A\n  - TB_B\n  - name: tb_a\n    delete: true\n');
      expect(err.message).to.match(/^job\.yaml:4: tables\[2\]\.name: table tb_a is listed twice \(also tables\[0\]\); each table once/);
    });

    it('sinceColumn with delete, once a table’s options are merged with the defaults', function () {
      const err = faultOf('defaults:\n  sinceColumn: ALTERADO_EM\ntables:\n  - TB_A\n  - name: TB_B\n    delete: true\n');
      expect([err.line, err.key]).to.deep.equal([6, 'tables[1].delete']);
      expect(err.message).to.contain('does not go with `delete`');
    });

    it('sinceColumn with rowVersions in the defaults alone', function () {
      const err = faultOf('defaults:\n  rowVersions: true\n  sinceColumn: ALTERADO_EM\nallTables: true\n');
      expect(err.message).to.match(/^job\.yaml:\d: defaults\.sinceColumn: `sinceColumn` and `rowVersions` are two ways/);
    });

    it('an environment variable that is not set, named, with the line of the string', function () {
      const err = faultOf('tables: [A]\nfrom: firebird://SYSDBA:${FB_PASSWORD}@h//x.fdb\nto: mysql://u:${MY_PASSWORD}@h/db\n');
      expect(err.message).to.match(/^job\.yaml:3: to: environment variable MY_PASSWORD is not set; /);
      expect(err.message).not.to.contain('s3cret');
    });

    it('a list of columns for roundToTarget in the defaults, where it would name every table\'s columns', function () {
      const err = faultOf('defaults:\n  roundToTarget: [VALOR]\ntables: [TB_A]\n');
      expect(err.message).to.match(/^job\.yaml:2: defaults\.roundToTarget: a list is not allowed; allowed: true or false/);
    });

    it('roundToTarget that is neither true, false nor a list of names', function () {
      const err = faultOf('tables:\n  - name: TB_A\n    roundToTarget: VALOR\n');
      expect(err.message).to.match(/^job\.yaml:3: tables\[0\]\.roundToTarget: a string "VALOR" is not allowed; allowed: true, false, or a list of column names/);
    });

    it('a key given twice in one mapping', function () {
      expect(faultOf('tables: [A]\ntables: [B]\n').message).to.equal('job.yaml:2: tables: given twice in one mapping; each key once');
    });

    it('text that is not YAML', function () {
      expect(faultOf('tables: [A\n').message).to.match(/^job\.yaml:\d+: not valid YAML: /);
    });

    it('a file that cannot be read', function () {
      expect(() => loadJob('/nonexistent/job.yaml', {})).to.throw(JobFileError, /^\/nonexistent\/job\.yaml: cannot read the job file: ENOENT/);
    });
  });

  it('reads a 30-table job file: every table with its own options over the defaults', function () {
    const job = parseJob(thirtyTableJob(), 'job.yaml', ENV);
    expect(job.options.tables).to.have.length(30);
    expect(job.options.tables![0]).to.deep.include({ name: 'TB_1', target: 't1', maxDelete: 10, rowVersions: true });
    expect(job.options.tables![2]).to.deep.equal({ name: 'TB_3' });
    expect(job.options).to.include({ delete: true, maxDelete: '5%', parallelTables: 2 });
  });
});

/** 30 tables, most with options of their own (bench/job-file.ts times one like it). */
function thirtyTableJob(): string {
  const lines = ['from: firebird://SYSDBA:${FB_PASSWORD}@localhost//data/erp.fdb', 'to: ${MY_URI}', 'defaults:', '  delete: true', '  maxDelete: 5%', '  parallelTables: 2', 'tables:'];
  for (let i = 1; i <= 30; i++) {
    lines.push(i % 3 === 0 ? `  - TB_${i}` : `  - name: TB_${i}\n    target: t${i}\n    excludeColumns: [OBS, FOTO]\n    maxDelete: ${i * 10}${i % 2 ? '\n    rowVersions: true' : ''}`);
  }
  return lines.join('\n');
}
