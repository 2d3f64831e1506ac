/**
 * An app error printed without a stamp takes the time of the record just before it in its file
 * (docs/client-errors.md "Lines without a stamp"): the driver's own dated line, or any other dated line of the app.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FileDecoder } from '../../src/pipeline/file-decoder.js';
import { newCounts, type ParsedRecord } from '../../src/pipeline/parse-file.js';
import { makeZone } from '../../parsers/zones.js';

function decode(lines: string[], timeSkipped = false): ParsedRecord[] {
  const dec = new FileDecoder('app', 'app.log', { zone: makeZone('UTC') }, newCounts('app.log', 'app'));
  dec.timeSkipped = timeSkipped;
  const out: ParsedRecord[] = [];
  let offset = 0;
  lines.forEach((text, i) => {
    out.push(...dec.push({ text, offset, lineNo: i + 1 }));
    offset += Buffer.byteLength(text) + 1;
  });
  out.push(...dec.flush());
  return out;
}
const bare = (rs: ParsedRecord[]) => rs.filter((r) => r.text.startsWith('driver: bad connection'));

test("`driver: bad connection` after the driver's dated line gets that line's time (go-sql-driver#583)", () => {
  const rs = decode(['[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF', 'driver: bad connection']);
  const [b] = bare(rs);
  assert.equal(b?.t, Date.UTC(2017, 4, 2, 16, 48, 51));
  assert.equal((b?.doc.app as { time_from?: string }).time_from, 'previous_record');
});

test('after a dated line that is no error, the bare error takes that line’s time, batch or agent', () => {
  for (const timeSkipped of [false, true]) {
    const rs = decode(['2017/05/02 16:50:00 main.go:40: serving orders', 'driver: bad connection'], timeSkipped);
    assert.equal(bare(rs)[0]?.t, Date.UTC(2017, 4, 2, 16, 50, 0), `timeSkipped ${timeSkipped}`);
  }
});

test('the first record of a file, or one after an undated line, stays without a time', () => {
  assert.equal(bare(decode(['driver: bad connection']))[0]?.t, undefined);
  const rs = decode([
    '[mysql] 2017/05/02 16:48:51 packets.go:66: unexpected EOF',
    '{"level":"info","msg":"worker pool started"}',
    'driver: bad connection',
  ]);
  assert.equal(bare(rs)[0]?.t, undefined, 'the record just before has no time: no older time is borrowed');
});
