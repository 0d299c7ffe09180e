import { expect } from 'chai';
import { maskUri, passwordOf, redact } from '../../lib/util/redact.js';

describe('redact', () => {
  describe('maskUri', () => {
    it('hides the password of a firebird:// URI', () => {
      expect(maskUri('firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data/shop.fdb')).to.equal(
        'firebird://SYSDBA:****@127.0.0.1:3050//var/lib/firebird/3.0/data/shop.fdb',
      );
    });

    it('hides the password of a mysql:// URI', () => {
      expect(maskUri('mysql://fbsync:s3cret@db.example.com:3306/shop')).to.equal('mysql://fbsync:****@db.example.com:3306/shop');
    });

    it('hides a percent-encoded password whole', () => {
      expect(maskUri('mysql://fbsync:p%40ss%2Fw%3Ard@localhost/shop')).to.equal('mysql://fbsync:****@localhost/shop');
    });

    it('hides an empty password too, keeping the URI shape', () => {
      expect(maskUri('mysql://root:@localhost/shop')).to.equal('mysql://root:****@localhost/shop');
    });

    it('hides a ?password= query parameter', () => {
      expect(maskUri('mysql://fbsync@localhost/shop?password=s3cret')).to.equal('mysql://fbsync@localhost/shop?password=****');
      expect(maskUri('mysql://fbsync@localhost/shop?ssl=true&password=s3cret&charset=utf8mb4')).to.equal(
        'mysql://fbsync@localhost/shop?ssl=true&password=****&charset=utf8mb4',
      );
    });

    it('hides a ?password= parameter whatever its case, and one in the userinfo as well', () => {
      expect(maskUri('mysql://u:one@h/db?PASSWORD=two')).to.equal('mysql://u:****@h/db?PASSWORD=****');
    });

    it('leaves a URI without a password alone', () => {
      for (const uri of [
        'mysql://fbsync@localhost/shop',
        'mysql://localhost:3306/shop',
        'mysql://localhost/shop?ssl=true',
        'firebird://127.0.0.1:3050//var/lib/firebird/3.0/data/shop.fdb',
        'firebird://SYSDBA@127.0.0.1//data/shop.fdb',
      ]) {
        expect(maskUri(uri)).to.equal(uri);
      }
    });

    it('leaves text that is not a URI alone', () => {
      expect(maskUri('/var/lib/firebird/shop.fdb')).to.equal('/var/lib/firebird/shop.fdb');
      expect(maskUri('user:pass@host')).to.equal('user:pass@host');
    });
    it('hides all of a password that contains an unencoded @', () => {
      expect(passwordOf('mysql://u:p@ss@host/db')).to.equal('p@ss');
      expect(maskUri('mysql://u:p@ss@host/db')).to.equal('mysql://u:****@host/db');
    });
    it('hides all of a password with a raw #, / or ?, which ends a URL parser\'s authority early', () => {
      expect(maskUri('mysql://u:Sup3r#S3cret@host/db')).to.equal('mysql://u:****@host/db');
      expect(maskUri('mysql://u:a/b?c@host:3306/db')).to.equal('mysql://u:****@host:3306/db');
    });
  });

  describe('passwordOf', () => {
    it('returns the password of a firebird:// URI', () => {
      expect(passwordOf('firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data/shop.fdb')).to.equal('masterkey');
    });

    it('returns the password of a mysql:// URI', () => {
      expect(passwordOf('mysql://fbsync:s3cret@localhost:3306/shop')).to.equal('s3cret');
    });

    it('decodes a percent-encoded password', () => {
      expect(passwordOf('mysql://fbsync:p%40ss%2Fw%3Ard@localhost/shop')).to.equal('p@ss/w:rd');
    });

    it('returns a ?password= parameter', () => {
      expect(passwordOf('mysql://fbsync@localhost/shop?password=s3cret')).to.equal('s3cret');
      expect(passwordOf('mysql://fbsync@localhost/shop?password=p%40ss')).to.equal('p@ss');
    });

    it('is undefined without a password', () => {
      expect(passwordOf('mysql://fbsync@localhost/shop')).to.equal(undefined);
      expect(passwordOf('mysql://fbsync:@localhost/shop')).to.equal(undefined);
      expect(passwordOf('firebird://127.0.0.1//data/shop.fdb')).to.equal(undefined);
    });

    it('is undefined for text that is not a URI', () => {
      expect(passwordOf('not a uri')).to.equal(undefined);
    });

    it('returns a password with an invalid percent sequence as written', () => {
      expect(passwordOf('mysql://fbsync:100%@localhost/shop')).to.equal('100%');
    });
    it('returns a password with a raw # whole', () => {
      expect(passwordOf('mysql://u:Sup3r#S3cret@host/db')).to.equal('Sup3r#S3cret');
    });

    it('decodes a ?password= parameter exactly once', () => {
      expect(passwordOf('mysql://u@h/db?password=100%25')).to.equal('100%');
      expect(passwordOf('mysql://u@h/db?password=a%2525b')).to.equal('a%25b');
    });
  });

  describe('redact', () => {
    it('replaces every raw occurrence of a secret', () => {
      expect(redact('login s3cret failed; s3cret rejected', ['s3cret'])).to.equal('login **** failed; **** rejected');
    });

    it('replaces the URL-encoded form of a secret', () => {
      expect(redact('cannot connect to mysql://u:p%40ss%20w@h/db', ['p@ss w'])).to.equal('cannot connect to mysql://u:****@h/db');
    });

    it('replaces raw and encoded forms in the same text', () => {
      expect(redact('p@ss and p%40ss', ['p@ss'])).to.equal('**** and ****');
    });

    it('handles several secrets and skips undefined or empty ones', () => {
      expect(redact('a=alpha b=beta', [undefined, 'alpha', '', 'beta'])).to.equal('a=**** b=****');
    });

    it('treats secrets literally, not as patterns', () => {
      expect(redact('pw is a.b*c, not axbbc', ['a.b*c'])).to.equal('pw is ****, not axbbc');
    });

    it('leaves a secret that is only part of a longer word alone', () => {
      expect(redact('writing to fbsync_test.fbsync_checkpoints failed for fbsync; Fbsyncs', ['fbsync'])).to.equal(
        'writing to fbsync_test.fbsync_checkpoints failed for ****; Fbsyncs',
      );
    });

    it('masks a secret next to letters at an end where the secret has a punctuation mark', () => {
      expect(redact('x@pw!y and ab@pw!', ['@pw!'])).to.equal('x****y and ab****');
    });

    it('takes letters and digits of any script as part of a word', () => {
      expect(redact('senha1 não é senha12 nem ésenha1', ['senha1'])).to.equal('**** não é senha12 nem ésenha1');
    });

    it('leaves text without secrets unchanged', () => {
      expect(redact('all fine', ['s3cret'])).to.equal('all fine');
      expect(redact('all fine', [])).to.equal('all fine');
    });

    it('together with passwordOf removes a URI password from a driver message', () => {
      const uri = 'mysql://fbsync:p%40ss@localhost/shop';
      const message = `Access denied for user 'fbsync' (using password: YES) connecting to ${uri}`;
      expect(redact(message, [passwordOf(uri)])).to.equal(
        "Access denied for user 'fbsync' (using password: YES) connecting to mysql://fbsync:****@localhost/shop",
      );
    });
  });
});
