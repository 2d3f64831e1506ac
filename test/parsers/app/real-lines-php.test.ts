/**
 * PHP lines people pasted into public issues (each sample's page in \`src\`; docs/client-errors.md "Real lines
 * checked"): Laravel, Monolog, PHP's error log and CLI stderr, WordPress under FPM, CakePHP, Matomo, mysqlnd.
 * Warnings of PHP's connect calls and pdo_mysql's bracketed \`SQLSTATE[HY000] [2006]\` are failed connects, not
 * lost connections.
 */
import { test } from 'node:test';
import { checkSample, type RealSample } from './real-lines.js';

const SAMPLES: RealSample[] = [
  {
    src: 'https://github.com/cachethq/cachet/issues/2783',
    text: [
      "[2017-10-26 16:34:10] production.ERROR: exception 'PDOException' with message 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away' in /var/www/status.firstlegal.com/html/Cachet/vendor/laravel/framework/src/Illuminate/Database/Connection.php:569",
      'Stack trace:',
      "#0 /var/www/status.firstlegal.com/html/Cachet/vendor/laravel/framework/src/Illuminate/Database/Connection.php(569): PDO->exec('SAVEPOINT trans...')",
      '#1 /var/www/status.firstlegal.com/html/Cachet/vendor/laravel/framework/src/Illuminate/Queue/DatabaseQueue.php(168): Illuminate\\Database\\Connection->beginTransaction()',
    ].join('\n'),
    errors: [{ t: '2017-10-26T16:34:10.000Z', code: '2006', cls: 'gone_away', driver: 'pdo_mysql', lang: 'php' }],
  },
  // PHP-FPM relays the WordPress error on stderr; the issue elides the query
  {
    src: 'https://github.com/mchung/heroku-buildpack-wordpress/issues/18',
    text: ['NOTICE: PHP message: WordPress database error MySQL server has gone away for query SELECT........'].join(
      '\n',
    ),
    errors: [{ code: '2006', cls: 'gone_away', lang: 'php' }],
  },
  {
    src: 'https://github.com/matomo-org/matomo/issues/9419',
    text: [
      'ERROR: Failed to get data from API: Mysqli prepare error: MySQL server has gone away - caused by plugin Actions ',
      "0 /piwik/core/ArchiveProcessor/Loader.php(126): Piwik\\ArchiveProcessor\\PluginsArchiver->callAggregateAllPlugins(102, '0') ",
      "1 /piwik/core/ArchiveProcessor/Loader.php(74): Piwik\\ArchiveProcessor\\Loader->prepareAllPluginsArchive(102, '0') ",
    ].join('\n'),
    errors: [{ code: '2006', lang: 'php', msg: 'Mysqli prepare error: MySQL server has gone away' }],
  },
  {
    src: 'https://github.com/matomo-org/matomo/issues/14575',
    text: [
      '... Backend fatal error: PHP Fatal error:  Uncaught Zend_Db_Statement_Mysqli_Exception: Mysqli prepare error: MySQL server has gone away in ...',
    ].join('\n'),
    errors: [{ code: '2006', lang: 'php' }],
  },
  {
    src: 'https://github.com/jpfuentes2/php-activerecord/issues/320',
    text: [
      "<b>Fatal error</b>:  Uncaught exception 'ActiveRecord\\DatabaseException' ",
      "with message 'exception 'PDOException' with message 'SQLSTATE[HY000]:",
      "General error: 2006 MySQL server has gone away' in activerecord-dev/lib/Connection.php :309",
      'Stack trace:',
      '#0 activerecord-dev/lib/Connection.php(309): PDOStatement-&gt;execute(Array)',
    ].join('\n'),
    errors: [{ code: '2006', driver: 'pdo_mysql', lang: 'php' }],
  },
  {
    src: 'https://github.com/daylerees/anbu/issues/22',
    text: [
      "SQLSTATE[08S01]: Communication link failure: 1153 Got a packet bigger than 'max_allowed_packet' bytes (SQL: insert into `anbu` (`uri`, `time`, `storage`, `updated_at`, `created_at`) values (GET user/logout, 1.3028910160065, YToxMDp7czo5OiJkYXNoYm9hcmQiO2E6Mzp7czo0OiJkYXRhIjthOjA6e31zOjY6Imdsb2JhbCI7YToxOntzOjc6InZlcnNpb24iO3M6NToiNC4yLjkiO31zOjU",
    ].join('\n'),
    errors: [{ code: '1153', cls: 'packet_too_large', driver: 'pdo_mysql' }],
  },
  // one failed execute() logs a warning and the uncaught exception: two records, as written
  {
    src: 'https://github.com/Ysurac/FlightAirMap/issues/143',
    text: [
      'PHP Warning:  PDOStatement::execute(): MySQL server has gone away in /data/nginx/sites/FlightAirMap/require/class.Spotter.php on line 1913',
      "PHP Warning:  PDOStatement::execute(): Error reading result set's header in /data/nginx/sites/FlightAirMap/require/class.Spotter.php on line 1913",
      "PHP Fatal error:  Uncaught exception 'PDOException' with message 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away' in /data/nginx/sites/FlightAirMap/require/class.Spotter.php:1913",
      'Stack trace:',
      '#0 /data/nginx/sites/FlightAirMap/require/class.Spotter.php(1913): PDOStatement->execute(Array)',
      "#1 /data/nginx/sites/FlightAirMap/require/class.SpotterImport.php(190): Spotter->getAllAircraftType('406D79')",
      '#2 /data/nginx/sites/FlightAirMap/scripts/daemon-spotter.php(670): SpotterImport->add(Array)',
      '#3 {main}',
      '  thrown in /data/nginx/sites/FlightAirMap/require/class.Spotter.php on line 1913',
    ].join('\n'),
    errors: [
      { code: '2006', msg: 'PDOStatement::execute(): MySQL server has gone away' },
      { code: '2006', type: 'PDOException' },
    ],
  },
  {
    src: 'https://github.com/walkor/webman/issues/12',
    text: [
      'PHP Warning:  PDO::prepare(): MySQL server has gone away in E:\\phpstudy_pro\\WWW\\webman\\vendor\\illuminate\\database\\Connection.php on line 331',
    ].join('\n'),
    errors: [{ code: '2006', driver: 'pdo_mysql', msg: 'PDO::prepare(): MySQL server has gone away' }],
  },
  {
    src: 'https://github.com/j0k3r/banditore/issues/16',
    text: [
      '[2017-02-24 09:12:06] app.NOTICE: Consume banditore.sync_user_repo message {"user":"j0k3r"}',
      '[2017-02-24 09:12:07] app.INFO:     sync 83 starred repos {"user":"j0k3r","rate":4935}',
      '[2017-02-24 09:12:07] php.WARNING: Warning: Error while sending QUERY packet. PID=24148 {"exception":"[object] (ErrorException(code: 0): Warning: Error while sending QUERY packet. PID=24148 at /www/vendor/doctrine/dbal/lib/Doctrine/DBAL/Driver/PDOStatement.php:91)"}',
      '[2017-02-24 09:12:07] app.ERROR: Error while sending data to user {"exception":"An exception occurred while executing \'SELECT t0.id AS id_1, t0.created_at AS created_at_2, t0.user_id AS user_id_3, t0.repo_id AS repo_id_4 FROM star t0 WHERE t0.repo_id = ? AND t0.user_id = ? LIMIT 1\' with params [82027290, 121870]:\\n\\nSQLSTATE[HY000]: General error: 2006 MySQL server has gone away","user":"j0k3r"}',
    ].join('\n'),
    errors: [
      { t: '2017-02-24T09:12:07.000Z', code: 'send_failed', cls: 'broken_pipe', pid: 24148 },
      {
        t: '2017-02-24T09:12:07.000Z',
        code: '2006',
        sql: 'SELECT t0.id AS id_1, t0.created_at AS created_at_2, t0.user_id AS user_id_3, t0.repo_id AS repo_id_4 FROM star t0 WHERE t0.repo_id = ? AND t0.user_id = ? LIMIT 1',
      },
    ],
  },
  {
    src: 'https://github.com/facile-it/doctrine-mysql-come-back/issues/23',
    text: [
      '[2017-10-23 11:49:49] lumen.ERROR: ErrorException: Error while sending QUERY packet. PID=824 in /srv/www/espier-bloated/vendor/doctrine/dbal/lib/Doctrine/DBAL/Driver/PDOStatement.php:105',
      'Stack trace:',
      "#0 [internal function]: Laravel\\Lumen\\Application->Laravel\\Lumen\\Concerns\\{closure}(2, 'Error while sen...', '/srv/www/espier...', 105, Array)",
      '#1 /srv/www/espier-bloated/vendor/doctrine/dbal/lib/Doctrine/DBAL/Driver/PDOStatement.php(105): PDOStatement->execute(NULL)',
    ].join('\n'),
    errors: [{ t: '2017-10-23T11:49:49.000Z', code: 'send_failed', pid: 824, logger: 'lumen' }],
  },
  {
    src: 'https://github.com/movim/movim/issues/259',
    text: [
      'Sep 25 07:37:30 hostname modl[16009]: modl.INFO: i:2006; [] []',
      'Sep 25 07:37:30 hostname modl[16009]: modl.INFO: s:26:"MySQL server has gone away"; [] []',
    ].join('\n'),
    errors: [{ code: '2006', host: 'hostname' }],
  },
  // mysqlnd's greeting packet is the handshake: the connect failed
  {
    src: 'https://github.com/jaredpalmer/presspack/issues/10',
    text: [
      'wordpress_1  |',
      'wordpress_1  | Warning: mysqli::mysqli(): MySQL server has gone away in - on line 22',
      'wordpress_1  |',
      'wordpress_1  | Warning: mysqli::mysqli(): Error while reading greeting packet. PID=50 in - on line 22',
      'wordpress_1  |',
      'wordpress_1  | Warning: mysqli::mysqli(): (HY000/2006): MySQL server has gone away in - on line 22',
      'wordpress_1  |',
      'wordpress_1  | MySQL Connection Error: (2006) MySQL server has gone away',
    ].join('\n'),
    errors: [],
  },
  // mysqli_real_connect(): a connect, not an established connection
  {
    src: 'https://github.com/urre/wordpress-nginx-docker-compose/issues/24',
    text: [
      'Warning: Packets out of order. Expected 0 received 1. Packet size=69 in',
      '/var/www/html/web/wp/wp-includes/wp-db.php on line 1633',
      'Warning: mysqli_real_connect(): MySQL server has gone away in ',
      '/var/www/html/web/wp/wp-includes/wp-db.php on line 1633',
      'Warning:  mysqli_real_connect(): (HY000/2006): MySQL server has gone away in ',
      '/var/www/html/web/wp/wp-includes/wp-db.php on line 1633',
    ].join('\n'),
    errors: [],
  },
  // PDO::__construct() warned: the connect failed (CakePHP formats the warning)
  {
    src: 'https://github.com/cakephp/cakephp/issues/6307',
    text: [
      '2015-04-09 15:16:58 Warning: Warning (2): PDO::__construct(): MySQL server has gone away in [APP/vendor/cakephp/cakephp/src/Database/Driver/PDODriverTrait.php, line 48]',
      'Trace:',
      'Cake\\Error\\BaseErrorHandler::handleError() - CORE/src/Error/BaseErrorHandler.php, line 138',
      'PDO::__construct() - [internal], line ??',
    ].join('\n'),
    errors: [],
  },
  // pdo_mysql's bracketed number: the PDO constructor failed (Connector->tryAgainIfCausedByLostConnection is a
  // connect retry)
  {
    src: 'https://github.com/knuckleswtf/scribe/issues/118',
    text: [
      '[previous exception] [object] (PDOException(code: 2006): SQLSTATE[HY000] [2006] MySQL server has gone away at /home/vagrant/Vagrant/scribe/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php:70)',
      '[stacktrace]',
      "#0 /home/vagrant/Vagrant/scribe/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(70): PDO->__construct('mysql:host=192....', 'homestead', 'secret', Array)",
      "#1 /home/vagrant/Vagrant/scribe/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(100): Illuminate\\\\Database\\\\Connectors\\\\Connector->createPdoConnection('mysql:host=192....', 'homestead', 'secret', Array)",
    ].join('\n'),
    errors: [],
  },
];

test('real PHP lines: lost connections found with code, driver and time; connect failures are not', () => {
  for (const s of SAMPLES) checkSample(s);
});
