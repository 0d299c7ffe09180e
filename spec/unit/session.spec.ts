import { expect } from 'chai';
import { sessionSqlMode } from '../../lib/mysql/session.js';

describe('sessionSqlMode', () => {
  it('adds STRICT_ALL_TABLES and drops the modes that change values on the way', () => {
    expect(sessionSqlMode('STRICT_TRANS_TABLES,NO_BACKSLASH_ESCAPES,PAD_CHAR_TO_FULL_LENGTH,ANSI_QUOTES')).to.equal('STRICT_TRANS_TABLES,ANSI_QUOTES,STRICT_ALL_TABLES');
    expect(sessionSqlMode('')).to.equal('STRICT_ALL_TABLES');
    expect(sessionSqlMode('strict_all_tables')).to.equal('STRICT_ALL_TABLES');
  });
});
