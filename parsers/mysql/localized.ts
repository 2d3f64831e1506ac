/**
 * The server messages goneaway reads, in the other languages of `lc_messages` (docs/formats/mysql-localized.md).
 * MariaDB and MySQL ≤ 5.7 format a failed login, an `Aborted connection` line and its reason with the
 * session's message language, in the error log and the general log alike. One table serves both logs.
 *
 * Texts are the errmsg-utf8.txt translations of MariaDB and MySQL 5.7 (ER_ACCESS_DENIED_ERROR,
 * ER_NEW_ABORTING_CONNECTION / ER_ABORTING_CONNECTION, ER_NET_*), cut to the fixed words around the
 * printf fields. English stays in error-messages.ts, message-fields.ts and reason-code.ts (its fast path).
 */
import type { ReasonCode } from './reason-codes.js';

/** `<before>'user'@'host'<after><YES|NO>)`, per language; several rows when MySQL and MariaDB differ. */
const ACCESS_DENIED: ReadonlyArray<readonly [before: string, after: string]> = [
  ['', ' 用户无权访问 (使用密码: '], // chi
  ['Přístup pro uživatele ', ' (s heslem '], // cze
  ['Adgang nægtet bruger: ', ' (Bruger adgangskode: '], // dan
  ['Ligipääs keelatud kasutajale ', ' (kasutab parooli: '], // est
  ["Accès refusé pour l'utilisateur: ", ' (mot de passe: '], // fre
  ['Benutzer ', ' hat keine Zugriffsberechtigung (verwendetes Passwort: '], // ger
  ['მომხმარებლისთვის ', ' წვდომა აკრძალულია (პაროლის გამოყენებით: '], // geo
  ['Δεν επιτέρεται η πρόσβαση στο χρήστη: ', ' (χρήση password: '], // greek
  ['यूज़र ', ' को अनुमति नहीं है (पासवर्ड का उपयोग: '], // hindi
  ['A(z) ', ' felhasznalo szamara tiltott eleres. (Hasznalja a jelszot: '], // hun
  ["Accesso non consentito per l'utente: ", ' (Password: '], // ita
  ['ユーザー ', ' を拒否します.uUsing password: '], // jpn (MariaDB)
  ['ユーザー ', ' のアクセスは拒否されました。(using password: '], // jpn (MySQL)
  ['', ' 사용자는 접근이 거부 되었습니다. (using password: '], // kor
  ['Toegang geweigerd voor gebruiker: ', ' (Wachtwoord gebruikt: '], // nla
  ['Tilgang nektet for bruker: ', ' (Bruker passord: '], // nor
  ['Tilgang ikke tillate for brukar: ', ' (Brukar passord: '], // norwegian-ny
  ['Acesso negado para o usuário ', ' (senha usada: '], // por
  ['Acces interzis pentru utilizatorul: ', ' (Folosind parola: '], // rum
  ['Доступ закрыт для пользователя ', ' (был использован пароль: '], // rus
  ['Pristup je zabranjen korisniku ', " (koristi lozinku: '"], // serbian
  ['Zakázaný prístup pre užívateľa: ', ' (použitie hesla: '], // slo
  ['Acceso denegado para usuario: ', ' (Usando contraseña: '], // spa (MariaDB)
  ['Acceso negado para usuario: ', ' (Usando clave: '], // spa (MySQL)
  ['Ufikiaji umekataliwa kwa mtumiaji ', ' (kwa kutumia nenosiri: '], // sw
  ['Användare ', ' är ej berättigad att logga in (Använder lösen: '], // swe
  ['Доступ заборонено для користувача: ', ' (Використано пароль: '], // ukr
];

const QUOTED_PAIR = /^'([^']*)'@'@?([^']*)'/; // MySQL's French text has `'@'@%s'`: the host has an extra `@`

export interface AccessDenied {
  user: string;
  host: string;
  using_password?: boolean;
}

/**
 * A translated ER_ACCESS_DENIED_ERROR, or undefined. `using_password` only when the server wrote YES/NO
 * (the word is translated too in some languages; then it is left out rather than guessed).
 */
export function localizedAccessDenied(body: string): AccessDenied | undefined {
  if (body.indexOf("'@'") < 0) return undefined;
  for (const [before, after] of ACCESS_DENIED) {
    if (!body.startsWith(before)) continue;
    const m = QUOTED_PAIR.exec(body.slice(before.length));
    if (!m || !body.startsWith(after, before.length + m[0].length)) continue;
    const out: AccessDenied = { user: m[1]!, host: m[2]! };
    const yn = /^'?(YES|NO)\b/.exec(body.slice(before.length + m[0].length + after.length));
    if (yn) out.using_password = yn[1] === 'YES';
    return out;
  }
  return undefined;
}

/**
 * The words before the connection id of a translated `Aborted connection <id> …` line, and for the
 * short or common ones the word after the id that makes them specific.
 */
const ABORTED: ReadonlyArray<readonly [before: string, afterId: string]> = [
  ['终止的连接 ', ' '], // chi
  ['终止连线 ', ' '], // chi (old)
  ['Spojení ', ' do databáze'], // cze
  ['Zrušeno spojení ', ' '], // cze (old)
  ['Afbrød forbindelsen ', ' '], // dan
  ['Afbrudt forbindelse ', ' '], // dan (old)
  ['Ühendus katkestatud ', ' '], // est
  ['Connection ', ' avortée'], // fre
  ['Abbruch der Verbindung ', ' '], // ger
  ['შეწყდა კავშირი ', ' '], // geo
  ['გაუქმდა კავშირი ', ' '], // geo (old)
  ['Megszakitott kapcsolat ', ' '], // hun
  ['Interrotta la connessione ', ' '], // ita
  ['接続 ', ' が中断されました'], // jpn
  ['데이타베이스 접속을 위한 연결 ', ' '], // kor
  ['Afgebroken verbinding ', ' '], // nla
  ['Conexão ', ' abort'], // por
  ['Conectie terminata ', ' '], // rum
  ['Прервано соединение ', ' '], // rus
  ['Prekinuta konekcija broj ', ' '], // serbian
  ['Abortada conexión ', ' '], // spa
  ['Conexión ', ' abortada'], // spa (old)
  ['Muunganisho ulioghairishwa ', ' '], // sw
  ['Muunganisho ulioacha ', ' '], // sw (old)
  ['Avbröt länken för tråd ', ' '], // swe
  ["Перервано з'єднання ", ' '], // ukr
];

/**
 * A translated Aborted line → the same fields parseAborted (message-fields.ts) gives for the English one: thread
 * id, then the quoted db, user and host in the order every translation keeps, then the reason in the last `( )`.
 */
export function localizedAborted(body: string): Record<string, unknown> | undefined {
  for (const [before, afterId] of ABORTED) {
    if (!body.startsWith(before)) continue;
    const m = /^\d+/.exec(body.slice(before.length));
    if (!m || !body.startsWith(afterId, before.length + m[0].length)) continue;
    const rest = body.slice(before.length + m[0].length).replace(/''/g, "'"); // Italian's `db: ''%s'`
    const open = rest.lastIndexOf(' (');
    let fields = [...(open >= 0 ? rest.slice(0, open) : rest).matchAll(/'([^']*)'/g)].map((f) => f[1]!);
    // Portuguese quotes its host label (`- 'host' '%s'`); MariaDB may add ` real ip: '%s'` after the host
    if (fields.length >= 4 && fields[2] === 'host') fields = [fields[0]!, fields[1]!, ...fields.slice(3)];
    const out: Record<string, unknown> = { thread_id: Number(m[0]) };
    if (fields.length >= 2) {
      out.db = fields[0];
      out.user = fields[1];
      if (fields.length >= 3) out.host = fields[2];
      if (fields.length >= 4 && rest.includes(' real ip: ')) out.real_ip = fields[3];
    }
    let reason = '';
    if (open >= 0) {
      const seg = rest.slice(open + 2);
      const close = seg.lastIndexOf(')');
      reason = (close >= 0 ? seg.slice(0, close) : seg).replace(/^'|'$/g, ''); // Portuguese quotes it
    }
    out.reason = reason;
    out.reason_code = localizedReason(reason);
    return out;
  }
  return undefined;
}

/** Translations of the reasons reasonCode() knows in English (ER_NET_*, ER_CON_COUNT_ERROR, ER_OUT_OF_RESOURCES). */
const REASONS: ReadonlyArray<readonly [ReasonCode, readonly string[]]> = [
  [
    'timeout_reading',
    [
      '读取通信包超时',
      'Zjištěn timeout při čtení komunikačního packetu',
      'Timeout-fejl ved læsning af kommunukations-pakker (communication packets)',
      'Kontrollaja ületamine andmepakettide lugemisel',
      'Timeout en lecture des paquets reçus',
      'Zeitüberschreitung beim Lesen eines Kommunikationspakets',
      'Idotullepes a kommunikacios adatcsomagok olvasasa soran',
      'Rilevato un timeout ricevendo i pacchetti di comunicazione',
      'パケットの受信でタイムアウトが発生しました。',
      '통신 패킷을 읽는 중 timeout이 발생하였습니다.',
      'Timeout bij het lezen van communicatiepakketten',
      'Obteve expiração de tempo (timeout) na leitura de pacotes de comunicação',
      'Timeout obtinut citind pachetele de comunicatie (communication packets)',
      'Получен таймаут ожидания пакета через коммуникационный протокол',
      'Vremenski limit za čitanje mrežnih paketa je istekao',
      'Obtenido tiempo agotado (timeout) leyendo paquetes de comunicación',
      "Fick 'timeout' vid läsning från klienten",
      'Отримано затримку читання комунікаційних пакетів',
    ],
  ],
  [
    'error_reading',
    [
      '读取通信数据包出错',
      'Zjištěna chyba při čtení komunikačního packetu',
      'Fik fejlmeddelelse ved læsning af kommunikations-pakker (communication packets)',
      'Viga andmepaketi lugemisel',
      'Erreur de lecture des paquets reçus',
      'Fehler beim Lesen eines Kommunikationspakets',
      'HIba a kommunikacios adatcsomagok olvasasa soran',
      'Rilevato un errore ricevendo i pacchetti di comunicazione',
      'パケットの受信でエラーが発生しました。',
      '통신 패킷을 읽는 중 오류가 발생하였습니다.',
      'Fout bij het lezen van communicatiepakketten',
      'Obteve um erro na leitura de pacotes de comunicação',
      'Eroare obtinuta citind pachetele de comunicatie (communication packets)',
      'Получена ошибка в процессе получения пакета через коммуникационный протокол',
      'Greška pri primanju mrežnih paketa',
      'Obtenido un error leyendo paquetes de comunicación',
      'Fick ett fel vid läsning från klienten',
      'Отримано помилку читання комунікаційних пакетів',
    ],
  ],
  [
    'error_writing',
    [
      '写入通信包时出错',
      'Zjištěna chyba při zápisu komunikačního packetu',
      'Fik fejlmeddelelse ved skrivning af kommunukations-pakker (communication packets)',
      'Viga andmepaketi kirjutamisel',
      "Erreur d'écriture des paquets envoyés",
      'Fehler beim Schreiben eines Kommunikationspakets',
      'Hiba a kommunikacios csomagok irasa soran',
      'Rilevato un errore inviando i pacchetti di comunicazione',
      'パケットの送信でエラーが発生しました。',
      '통신 패킷을 기록하는 중 오류가 발생하였습니다.',
      'Fout bij het schrijven van communicatiepakketten',
      'Obteve um erro na escrita de pacotes de comunicação',
      'Eroare in scrierea pachetelor de comunicatie (communication packets)',
      'Получена ошибка при передаче пакета через коммуникационный протокол',
      'Greška pri slanju mrežnih paketa',
      'Obtenido un error escribiendo paquetes de comunicación',
      'Fick ett fel vid skrivning till klienten',
      'Отримано помилку запису комунікаційних пакетів',
    ],
  ],
  [
    'timeout_writing',
    [
      '写入通信包超时',
      'Zjištěn timeout při zápisu komunikačního packetu',
      'Timeout-fejl ved skrivning af kommunukations-pakker (communication packets)',
      'Kontrollaja ületamine andmepakettide kirjutamisel',
      "Timeout d'écriture des paquets envoyés",
      'Zeitüberschreitung beim Schreiben eines Kommunikationspakets',
      'Idotullepes a kommunikacios csomagok irasa soran',
      'Rilevato un timeout inviando i pacchetti di comunicazione',
      'パケットの送信でタイムアウトが発生しました。',
      '통신 패팃을 기록하는 중 timeout이 발생하였습니다.',
      'Timeout bij het schrijven van communicatiepakketten',
      "Obteve expiração de tempo ('timeout') na escrita de pacotes de comunicação",
      'Timeout obtinut scriind pachetele de comunicatie (communication packets)',
      'Получен таймаут в процессе передачи пакета через коммуникационный протокол',
      'Vremenski limit za slanje mrežnih paketa je istekao',
      'Obtenido tiempo agotado (timeout) escribiendo paquetes de comunicación',
      "Fick 'timeout' vid skrivning till klienten",
      'Отримано затримку запису комунікаційних пакетів',
    ],
  ],
  [
    'packet_too_large',
    [
      "收到的数据包大于 'max_allowed_packet' 字节",
      "Zjištěn příchozí packet delší než 'max_allowed_packet'",
      "Modtog en datapakke som var større end 'max_allowed_packet'",
      "Saabus suurem pakett kui lubatud 'max_allowed_packet' muutujaga",
      "Paquet plus grand que 'max_allowed_packet' reçu",
      "Empfangenes Paket ist größer als 'max_allowed_packet' Bytes",
      "A kapott csomag nagyobb, mint a maximalisan engedelyezett: 'max_allowed_packet'",
      "Ricevuto un pacchetto piu` grande di 'max_allowed_packet'",
      "'max_allowed_packet'よりも大きなパケットを受信しました。",
      "'max_allowed_packet'보다 더큰 패킷을 받았습니다.",
      "Groter pakket ontvangen dan 'max_allowed_packet'",
      'Obteve um pacote maior do que a taxa máxima de pacotes definida (max_allowed_packet)',
      "Un packet mai mare decit 'max_allowed_packet' a fost primit",
      "Полученный пакет больше, чем 'max_allowed_packet'",
      "Primio sam mrežni paket veći od definisane vrednosti 'max_allowed_packet'",
      "Obtenido un paquete mayor de 'max_allowed_packet' bytes",
      "Kommunkationspaketet är större än 'max_allowed_packet'",
      'Отримано пакет більший ніж max_allowed_packet',
    ],
  ],
  [
    'too_many_connections',
    [
      '太多连接',
      'Příliš mnoho spojení',
      'For mange forbindelser (connections)',
      'Liiga palju samaaegseid ühendusi',
      'Trop de connexions',
      'Zu viele Verbindungen',
      'Tul sok kapcsolat',
      'Troppe connessioni',
      '接続が多すぎます。',
      'Te veel verbindingen',
      'Excesso de conexões',
      'Prea multe conectiuni',
      'Слишком много соединений',
      'Previše konekcija',
      'Demasiadas conexiones',
      'För många anslutningar',
      "Забагато з'єднань",
    ],
  ],
];

/** Reason text (maybe cut by the server's `%-.64s`) → reason code, in any language of the table. */
export function localizedReason(reason: string): ReasonCode {
  const r = reason.trim();
  if (r.length < 4) return 'other';
  for (const [code, texts] of REASONS) {
    // prefixes only for long texts: a short reason could begin many translations
    for (const t of texts) if (t === r || (r.length >= 12 && (t.startsWith(r) || r.startsWith(t)))) return code;
  }
  return 'other';
}
