import Firebird from 'node-firebird';
const uri = 'firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data/probe.fdb';
try { await Firebird.dropAsync(uri); } catch {}
const db = await Firebird.createAsync({ ...Firebird.parseConnectionUri(uri), encoding: 'UTF8', numericMode: 'string' });
await db.queryAsync(`CREATE TABLE T (ID INTEGER NOT NULL PRIMARY KEY, N NUMERIC(18,4), N2 NUMERIC(15,3), B BIGINT, TS TIMESTAMP, D DATE, C CHAR(3), W VARCHAR(20) CHARACTER SET WIN1252, S SMALLINT, DP DOUBLE PRECISION)`);
await db.queryAsync(`INSERT INTO T VALUES (1, -922337203685477.5807, 123.450, 9223372036854775807, '2024-02-29 23:59:59.1234', '0001-01-01', 'a', 'Açúcar União €', 5, 0.1)`);
await db.queryAsync(`INSERT INTO T VALUES (2, 0.0001, -0.5, -9007199254740993, '1970-01-01 00:00:00', '2018-11-04', 'abc', 'x', -5, 1e300)`);
const tx = await db.transactionAsync({ isolation: Firebird.ISOLATION_REPEATABLE_READ, readOnly: true });
const r = await tx.executeAsync(`SELECT ID, N, N2, B, TS, CAST(TS AS VARCHAR(24)), CAST(D AS VARCHAR(10)), D, C, W, S, DP FROM T ORDER BY ID`);
console.log(r);
const o = await tx.queryAsync(`SELECT FIRST 1 * FROM T WHERE ID > ? ORDER BY ID`, [1], {withMeta: true});
console.log(o);
try { await tx.queryAsync(`UPDATE T SET S = 1`); } catch (e) { console.log('RO:', e.message); }
await tx.commitAsync();
await db.detachAsync();
try { await Firebird.attachAsync('firebird://SYSDBA:wrongpw@127.0.0.1:3050//var/lib/firebird/3.0/data/probe.fdb'); } catch (e) { console.log('PW:', e.message, e.gdscode, Object.keys(e)); }
try { await Firebird.attachAsync('firebird://SYSDBA:masterkey@127.0.0.1:3050//var/lib/firebird/3.0/data/nope.fdb'); } catch (e) { console.log('NODB:', e.message, e.gdscode); }
try { await Firebird.attachAsync('firebird://SYSDBA:masterkey@127.0.0.1:3059//var/lib/firebird/3.0/data/nope.fdb'); } catch (e) { console.log('NOHOST:', e.message, e.code); }
