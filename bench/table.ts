/** Plain-text result table of the bench, printed row by row as measurements finish. */

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
export function fmtNum(n: number, digits: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
export function mark(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

const W = { name: 52, lines: 11, time: 9, lps: 12, rss: 9, target: 26, result: 10 };

export class Table {
  private pass = 0;
  private miss = 0;
  private nas = 0;

  constructor(private readonly out: (s: string) => void = (s) => process.stdout.write(s + '\n')) {}

  header(title: string): void {
    this.out(title);
    this.out(
      'measurement'.padEnd(W.name) +
        'lines'.padStart(W.lines) +
        'time s'.padStart(W.time) +
        'lines/s'.padStart(W.lps) +
        'RSS MB'.padStart(W.rss) +
        '  ' +
        'target'.padEnd(W.target) +
        'result'.padEnd(W.result) +
        'note',
    );
  }

  section(title: string): void {
    this.out('');
    this.out(title);
  }

  private count(result: string): void {
    for (const r of result.split(' ')) {
      if (r === 'PASS') this.pass++;
      else if (r === 'MISS') this.miss++;
    }
  }

  row(
    name: string,
    lines: number,
    ms: number,
    lps: number,
    rssMB: number | undefined,
    target: string,
    result: string,
    note = '',
  ): void {
    this.count(result);
    this.out(
      name.padEnd(W.name) +
        fmtInt(lines).padStart(W.lines) +
        fmtNum(ms / 1000, 2).padStart(W.time) +
        fmtInt(lps).padStart(W.lps) +
        (rssMB === undefined ? 'n/a' : fmtNum(rssMB, 0)).padStart(W.rss) +
        '  ' +
        target.padEnd(W.target) +
        result.padEnd(W.result) +
        note,
    );
  }

  ratio(name: string, value: number, target: string, result: string, note = ''): void {
    this.count(result);
    const blank = W.lines + W.time + W.lps + W.rss;
    this.out(
      name.padEnd(W.name) +
        fmtNum(value, 3).padStart(blank) +
        '  ' +
        target.padEnd(W.target) +
        result.padEnd(W.result) +
        note,
    );
  }

  /** a figure that is not lines/s (text right-aligned under the number columns) */
  value(name: string, text: string, target: string, result: string, note = ''): void {
    this.count(result);
    const blank = W.lines + W.time + W.lps + W.rss;
    this.out(
      name.padEnd(W.name) + text.padStart(blank) + '  ' + target.padEnd(W.target) + result.padEnd(W.result) + note,
    );
  }

  na(name: string, reason: string): void {
    this.nas++;
    this.out(name.padEnd(W.name) + `n/a: ${reason}`);
  }

  note(text: string): void {
    this.out(text);
  }

  footer(): void {
    this.out('');
    this.out(
      `targets: ${this.pass} PASS, ${this.miss} MISS, ${this.nas} n/a (figures are informative; nothing is asserted)`,
    );
  }
}
