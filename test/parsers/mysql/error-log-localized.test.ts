/**
 * Error logs of servers whose lc_messages is not English, and journals printed in another locale
 * (docs/formats/mysql-localized.md). The texts below are the servers' own translations, filled in:
 * MariaDB https://github.com/MariaDB/server/blob/main/sql/share/errmsg-utf8.txt and MySQL 5.7
 * https://github.com/mysql/mysql-server/blob/5.7/sql/share/errmsg-utf8.txt (ER_ACCESS_DENIED_ERROR,
 * ER_NEW_ABORTING_CONNECTION, ER_NET_READ_INTERRUPTED / ER_NET_READ_ERROR / ER_NET_ERROR_ON_WRITE…).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMysqlErrorRecordStart, parseMysqlErrorRecord } from '../../../parsers/mysql/error.js';
import { parseMysqlGeneralRecord, newGeneralLogState } from '../../../parsers/mysql/general.js';
import { parseEnvelope } from '../../../parsers/syslog.js';
import { assemble, ctx, my } from './helpers.js';

const UTC = ctx('UTC', { refTime: Date.UTC(2024, 8, 1, 12, 0), refTimeIsUpperBound: false });
const line = (body: string) => `2024-09-01 12:00:00 57 [Warning] ${body}`;

test('a translated failed login in the error log is access_denied (Spanish of MySQL and of MariaDB, German, Russian)', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      "Acceso negado para usuario: 'app'@'10.0.0.2' (Usando clave: YES)",
      { user: 'app', host: '10.0.0.2', using_password: true },
    ],
    [
      "Acceso denegado para usuario: 'app'@'10.0.0.2' (Usando contraseña: NO)",
      { user: 'app', host: '10.0.0.2', using_password: false },
    ],
    [
      "Benutzer 'check'@'10.0.0.9' hat keine Zugriffsberechtigung (verwendetes Passwort: NEIN)",
      { user: 'check', host: '10.0.0.9' },
    ],
    [
      "Доступ закрыт для пользователя 'app'@'localhost' (был использован пароль: YES)",
      { user: 'app', host: 'localhost', using_password: true },
    ],
    ["'app'@'10.0.0.2' 用户无权访问 (使用密码: YES)", { user: 'app', host: '10.0.0.2', using_password: true }],
    // MySQL 5.7's French text doubles the `@` before the host: the host is still the host
    [
      "Accès refusé pour l'utilisateur: 'app'@'@10.0.0.2' (mot de passe: YES)",
      { user: 'app', host: '10.0.0.2', using_password: true },
    ],
  ];
  for (const [body, want] of cases) {
    const m = my(parseMysqlErrorRecord(line(body), UTC));
    assert.equal(m.error_type, 'access_denied', body);
    assert.deepEqual(m.access_denied, want, body);
  }
});

test('other quoted user@host messages are not failed logins', () => {
  for (const body of [
    "'user' entry 'root@db1' ignored in --skip-name-resolve mode.",
    "The user specified as a definer ('app'@'%') does not exist",
    "Benutzer 'app'@'%' hat keine Zugriffsberechtigung für Datenbank 'shop'",
  ]) {
    assert.notEqual(my(parseMysqlErrorRecord(line(body), UTC)).error_type, 'access_denied', body);
  }
});

test('a translated Aborted line gives thread, db, user, host and the reason code', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    [
      "Abbruch der Verbindung 57 zur Datenbank 'shop'. Benutzer: 'app', Host: '10.0.0.2' (Zeitüberschreitung beim Lesen eines Kommunikationspakets)",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'timeout_reading' },
    ],
    [
      "Прервано соединение 57 к базе данных 'shop' пользователя 'app' с хоста '10.0.0.2' (Получена ошибка в процессе получения пакета через коммуникационный протокол )",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'error_reading' },
    ],
    [
      "Abortada conexión 57 a la base de datos: 'shop' usuario: 'app' equipo: '10.0.0.2' (Obtenido un error escribiendo paquetes de comunicación)",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'error_writing' },
    ],
    [
      "Connection 57 avortée vers la bd: 'shop' utilisateur: 'app' hôte: '10.0.0.2' (Paquet plus grand que 'max_allowed_packet' reçu)",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'packet_too_large' },
    ],
    [
      "Conexão 57 abortada para banco de dados 'shop' - usuário 'app' - 'host' '10.0.0.2' ('Obteve um erro na leitura de pacotes de comunicação')",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'error_reading' },
    ],
    // the reason cut by the server's %-.64s still classifies
    [
      "Interrotta la connessione 57 al db: ''shop' utente: 'app' host: '10.0.0.2' (Rilevato un timeout ricevendo i pacchetti di comunicazion",
      { thread_id: 57, db: 'shop', user: 'app', host: '10.0.0.2', reason_code: 'timeout_reading' },
    ],
  ];
  for (const [body, want] of cases) {
    const m = my(parseMysqlErrorRecord(line(body), UTC));
    assert.equal(m.error_type, 'aborted_connection', body);
    const a = m.aborted as Record<string, unknown>;
    for (const [k, v] of Object.entries(want)) assert.equal(a[k], v, `${k} of ${body}`);
  }
});

test('the general log reads its failed logins through the same table (password flag included)', () => {
  const r = parseMysqlGeneralRecord(
    "2017-11-22T09:23:50.812736Z\t    3 Connect\tAcceso denegado para usuario: 'root'@'localhost' (Usando contraseña: YES)",
    UTC,
    newGeneralLogState(),
  );
  assert.ok(r.ok);
  assert.deepEqual(my(r).general.access_denied, {
    user: 'root',
    host: 'localhost',
    using_password: true,
  });
});

test('journal lines with the month in the machine locale (Russian, German, French, Spanish…) are enveloped records', () => {
  const journal = [
    "сен 01 12:00:00 db1 mariadbd[812]: 2024-09-01 12:00:00 57 [Warning] Aborted connection 57 to db: 'shop' user: 'app' host: '10.0.0.2' (Got timeout reading communication packets)",
    'Okt 03 08:15:30 db1 mariadbd[812]: 2024-10-03  8:15:30 0 [Note] /usr/sbin/mariadbd (initiated by: unknown): Normal shutdown',
    'janv. 15 07:00:01 db1 systemd[1]: mariadb.service: Main process exited, code=killed, status=9/KILL',
    'déc. 24 23:59:59 db1 systemd[1]: mariadb.service: Main process exited, code=killed, status=9/KILL',
    'ene 02 10:00:00 db1 mariadbd[900]: 2025-01-02 10:00:00 0 [Note] Starting MariaDB 10.11.6-MariaDB source revision x as process 900',
  ];
  const recs = assemble(journal.join('\n'), isMysqlErrorRecordStart);
  assert.equal(recs.length, 5);
  const envs = journal.map((l) => parseEnvelope(l));
  assert.deepEqual(
    envs.map((e) => [e.format, e.date?.month, e.date?.day, e.host]),
    [
      ['rfc3164', 9, 1, 'db1'],
      ['rfc3164', 10, 3, 'db1'],
      ['rfc3164', 1, 15, 'db1'],
      ['rfc3164', 12, 24, 'db1'],
      ['rfc3164', 1, 2, 'db1'],
    ],
  );
  const first = my(parseMysqlErrorRecord(recs[0]!, UTC));
  assert.equal(first.error_type, 'aborted_connection');
  const kill = parseMysqlErrorRecord(
    recs[2]!,
    ctx('UTC', { refTime: Date.UTC(2025, 0, 20), refTimeIsUpperBound: true }),
  );
  assert.ok(kill.ok);
  assert.equal(kill.value.t, Date.UTC(2025, 0, 15, 7, 0, 1));
  assert.equal((kill.value.doc.mysql as Record<string, unknown>).error_type, 'signal');
});

test('a word that is no month in any locale is no syslog date', () => {
  for (const l of [
    'haproxy[12]: Proxy x started.',
    'mar. 01 12:00:00 x',
    'sen 01 12:00:00 db1 x[1]: y',
    'abc 01 12:00:00 h p[1]: x',
  ])
    assert.equal(parseEnvelope(l).format === 'rfc3164', false, l);
});
