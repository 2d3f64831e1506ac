/**
 * Ruby: stdlib Logger::Formatter (`"%s, [%s #%d] %5s -- %s: %s"`, time `%Y-%m-%dT%H:%M:%S.%6N`, zone-less):
 * `E, [2026-11-23T20:21:26.198123 #1234] ERROR -- : ActiveRecord::ConnectionFailed: Mysql2::Error::ConnectionError: …`
 * and the mysql2 gem / Rails class names of docs/client-errors.md §6.
 */
import type { ParseContext } from '../types.js';
import { parseStampAt } from './stamp.js';
import { lineAt } from './drivers.js';
import type { Detection, Extra, Header } from './model.js';

const RUBY = /^([A-Z]), \[(\S+) #(\d+)\]\s+([A-Z]+|ANY) -- ([^:]*): ?/;

export function parseRubyHeader(line: string, ctx: ParseContext): Header | undefined {
  const m = RUBY.exec(line);
  if (!m) return undefined;
  const st = parseStampAt(m[2]!, 0, ctx);
  const prog = m[5]!.trim();
  return {
    format: 'ruby_logger',
    t: st?.t,
    badTime: st ? st.bad : m[2],
    pid: Number(m[3]),
    level: m[4]!.toLowerCase(),
    logger: prog.length > 0 ? prog : undefined,
    msg: line.slice(m[0].length).trim(),
    lang: 'ruby',
  };
}

/** `ActiveRecord::ConnectionFailed: msg` / Rails `ActiveRecord::ConnectionFailed (Mysql2::Error::ConnectionError:
 * msg):` */
const RB_CLASS = /((?:[A-Z]\w*::)+[A-Z]\w*|[A-Z]\w*Error)(?:: | \()(.*)$/;

export function rubyExtra(text: string, h: Header, det: Detection): Extra {
  const eol = text.indexOf('\n');
  const line = eol < 0 || det.at < eol ? h.msg : lineAt(text, det.at).line;
  const m = RB_CLASS.exec(line);
  if (!m) return { message: line.trim() };
  let message = m[2]!.trim();
  if (line.charAt(m.index + m[1]!.length) === ' ') message = message.replace(/\):?$/, '');
  return { type: m[1], message };
}
