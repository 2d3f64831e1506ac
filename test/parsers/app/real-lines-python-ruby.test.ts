/**
 * Python and Ruby lines from public issues (each sample's page in \`src\`; docs/client-errors.md "Real lines
 * checked"): Django + mysqlclient, SQLAlchemy + PyMySQL, Pony, bare tracebacks, a runner that stamps every line,
 * Twisted, Rails / ActiveRecord with mysql2 and the old mysql gem, Bugsnag and Sidekiq-style reports.
 */
import { test } from 'node:test';
import { checkSample, type RealSample } from './real-lines.js';

const SAMPLES: RealSample[] = [
  {
    src: 'https://github.com/CDLUC3/ezid/issues/577',
    text: [
      'Exception raised in connections.query:',
      "OperationalError: (2013, 'Lost connection to MySQL server during query')",
      '',
      'Traceback (most recent call last):',
      '  File "/ezid/.pyenv/versions/ezid-py3/lib/python3.8/site-packages/Django-3.2.7-py3.8.egg/django/db/backends/utils.py", line 84, in _execute',
      '    return self.cursor.execute(sql, params)',
      '  File "/ezid/.pyenv/versions/ezid-py3/lib/python3.8/site-packages/Django-3.2.7-py3.8.egg/django/db/backends/mysql/base.py", line 73, in execute',
      '    return self.cursor.execute(query, args)',
      '  File "/ezid/.pyenv/versions/ezid-py3/lib/python3.8/site-packages/mysqlclient-2.1.0-py3.8-linux-x86_64.egg/MySQLdb/cursors.py", line 206, in execute',
      '    res = self._query(query)',
      '  File "/ezid/.pyenv/versions/ezid-py3/lib/python3.8/site-packages/mysqlclient-2.1.0-py3.8-linux-x86_64.egg/MySQLdb/cursors.py", line 319, in _query',
      '    db.query(q)',
      '  File "/ezid/.pyenv/versions/ezid-py3/lib/python3.8/site-packages/mysqlclient-2.1.0-py3.8-linux-x86_64.egg/MySQLdb/connections.py", line 254, in query',
      '    _mysql.connection.query(self, query)',
      "MySQLdb._exceptions.OperationalError: (2013, 'Lost connection to MySQL server during query')",
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/ezid/ezid/impl/search_util.py", line 487, in executeSearchCountOnly',
      '    c = qs.count()',
    ].join('\n'),
    errors: [
      {
        code: '2013',
        cls: 'lost',
        driver: 'mysqlclient',
        lang: 'python',
        type: 'MySQLdb._exceptions.OperationalError',
      },
    ],
  },
  {
    src: 'https://github.com/sqlalchemy/sqlalchemy/issues/10327',
    text: [
      '  File "/home/kama/CommonImageRates/venv/lib64/python3.11/site-packages/pymysql/connections.py", line 748, in _read_packet',
      '    raise err.OperationalError(',
      "sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')",
      '[SQL: SELECT 1]',
    ].join('\n'),
    errors: [{ code: '2013', driver: 'pymysql', type: 'sqlalchemy.exc.OperationalError', sql: 'SELECT 1' }],
  },
  {
    src: 'https://github.com/D10S0VSkY-OSS/Stack-Lifecycle-Deployment/pull/14',
    text: [
      "sqlalchemy.exc.OperationalError: (MySQLdb._exceptions.OperationalError) (2013, 'Lost connection to MySQL server during query')",
    ].join('\n'),
    errors: [{ code: '2013', driver: 'mysqlclient' }],
  },
  {
    src: 'https://github.com/danfengcao/binlog2sql/issues/41',
    text: [
      'Traceback (most recent call last):',
      '  File "binlog2sql.py", line 150, in <module>',
      '    binlog2sql.process_binlog()',
      '  File "/usr/lib/python2.7/site-packages/pymysql/connections.py", line 1033, in _read_bytes',
      '    CR.CR_SERVER_LOST, "Lost connection to MySQL server during query")',
      "pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query')",
    ].join('\n'),
    errors: [{ code: '2013', driver: 'pymysql', type: 'pymysql.err.OperationalError' }],
  },
  {
    src: 'https://github.com/pretix/pretix/issues/968',
    text: [
      '  File "/var/pretix/venv/lib/python3.5/site-packages/MySQLdb/connections.py", line 276, in query',
      '    _mysql.connection.query(self, query)',
      "_mysql_exceptions.OperationalError: (2013, 'Lost connection to MySQL server during query')",
      '',
      'The above exception was the direct cause of the following exception:',
      '',
      'Traceback (most recent call last):',
      '  File "/var/pretix/venv/lib/python3.5/site-packages/django/core/handlers/exception.py", line 41, in inner',
      '    response = get_response(request)',
    ].join('\n'),
    errors: [{ code: '2013', driver: 'mysqlclient', type: '_mysql_exceptions.OperationalError' }],
  },
  {
    src: 'https://github.com/ponyorm/pony/issues/382',
    text: [
      '  File "/usr/lib/python2.7/site-packages/pony/orm/dbapiprovider.py", line 61, in wrap_dbapi_exceptions',
      '    raise OperationalError(e)',
      "OperationalError: (2013, 'Lost connection to MySQL server during query')",
    ].join('\n'),
    errors: [{ code: '2013', lang: 'python' }],
  },
  // Metaflow stamps each line: the frame's source line `"Lost connection … (%s)" % (e,))` is code, only the
  // exception line is an error
  {
    src: 'https://github.com/nestauk/innovation_sweet_spots/issues/87',
    text: [
      '2022-01-24 13:00:59.065 [1643027479979077/fetch_gtr/4 (pid 49468)] File "/Users/karliskanders/opt/miniconda3/envs/metaflow_NestaGetter_osx-64_24aa56c97023788d926393c0a54d5c66eb667a13/lib/python3.7/site-packages/pymysql/connections.py", line 699, in _read_bytes',
      '2022-01-24 13:00:59.065 [1643027479979077/fetch_gtr/4 (pid 49468)] "Lost connection to MySQL server during query (%s)" % (e,))',
      "2022-01-24 13:00:59.065 [1643027479979077/fetch_gtr/4 (pid 49468)] pymysql.err.OperationalError: (2013, 'Lost connection to MySQL server during query ([Errno 54] Connection reset by peer)')",
      '2022-01-24 13:00:59.067 [1643027479979077/fetch_gtr/4 (pid 49468)] Task finished successfully.',
    ].join('\n'),
    errors: [{ t: '2022-01-24T13:00:59.065Z', code: '2013', cls: 'reset', driver: 'pymysql' }],
  },
  // Twisted indents its traceback with a tab; the excerpt ends before the exception line
  {
    src: 'https://github.com/burningmantech/ranger-ims-server/issues/62',
    text: [
      '2016-06-22T13:08:40-0700 [ims.dms._dms.DutyManagementSystem#info] Retrieving personnel from Duty Management System...',
      '2016-06-22T13:08:40-0700 [_GenericHTTPChannelProtocol,226,127.0.0.1] Rollback failed',
      '\tTraceback (most recent call last):',
      '\t  File "/home/ims/ranger-ims-server/.develop/virtualenv/site-packages/twisted/python/threadpool.py", line 246, in inContext',
      '\t    result = inContext.theWork()',
      '\t--- <exception caught here> ---',
      '\t  File "/home/ims/ranger-ims-server/.develop/virtualenv/site-packages/twisted/enterprise/adbapi.py", line 474, in _runInteraction',
      '\t    conn.rollback()',
      '\t  File "/home/ims/ranger-ims-server/.develop/virtualenv/site-packages/twisted/enterprise/adbapi.py", line 52, in rollback',
      '\t    self._connection.rollback()',
    ].join('\n'),
    errors: [],
  },
  {
    src: 'https://github.com/exercism/website/issues/2774',
    text: [
      'ActiveRecord::StatementInvalid in active_storage/representations/redirect#show',
      'Mysql2::Error::ConnectionError: MySQL server has gone away',
    ].join('\n'),
    errors: [{ code: '2006', driver: 'mysql2-gem', lang: 'ruby', type: 'Mysql2::Error::ConnectionError' }],
  },
  {
    src: 'https://github.com/brianmario/mysql2/issues/644',
    text: [
      'ActiveRecord::StatementInvalid: Mysql2::Error: MySQL server has gone away: SHOW FULL FIELDS FROM `experiment_trials`',
    ].join('\n'),
    errors: [{ code: '2006', driver: 'mysql2-gem', type: 'ActiveRecord::StatementInvalid' }],
  },
  {
    src: 'https://github.com/postalserver/postal/issues/1840',
    text: [
      '[HPVSXM] ActiveRecord::StatementInvalid: Mysql2::Error::ConnectionError: Lost connection to MySQL server during query: SELECT  `statistics`.* FROM `statistics` ORDER BY `statistics`.`id` ASC LIMIT 1',
      "smtp_1      | [11] [2022-01-31T09:44:29.199] ERROR -- : [HPVSXM] /usr/local/bundle/gems/mysql2-0.5.3/lib/mysql2/client.rb:131:in `_query'",
      "smtp_1      | [11] [2022-01-31T09:44:29.199] ERROR -- : [HPVSXM] /usr/local/bundle/gems/mysql2-0.5.3/lib/mysql2/client.rb:131:in `block in query'",
      "smtp_1      | [11] [2022-01-31T09:44:29.199] ERROR -- : [HPVSXM] /usr/local/bundle/gems/mysql2-0.5.3/lib/mysql2/client.rb:130:in `handle_interrupt'",
    ].join('\n'),
    errors: [
      {
        code: '2013',
        cls: 'lost',
        driver: 'mysql2-gem',
        sql: 'SELECT  `statistics`.* FROM `statistics` ORDER BY `statistics`.`id` ASC LIMIT 1',
      },
    ],
  },
  {
    src: 'https://github.com/rubycas/rubycas-server/issues/29',
    text: [
      "ActiveRecord::StatementInvalid - Mysql::Error: MySQL server has gone away: SELECT `admin_users`.* FROM `admin_users` WHERE (username = 'username' AND password = '******'):",
      " /usr/local/lib/ruby/gems/1.8/gems/activerecord-3.0.3/lib/active_record/connection_adapters/abstract_adapter.rb:202:in `log'",
      " /usr/local/lib/ruby/gems/1.8/gems/activerecord-3.0.3/lib/active_record/connection_adapters/mysql_adapter.rb:289:in `execute'",
    ].join('\n'),
    errors: [{ code: '2006', lang: 'ruby', type: 'Mysql::Error' }],
  },
  {
    src: 'https://github.com/gitlabhq/gitlab-ci/issues/101',
    text: [
      '    Exception',
      '        ActiveRecord::StatementInvalid',
      '    Error',
      '        Mysql2::Error: MySQL server has gone away: SHOW FULL FIELDS FROM `builds`',
      '',
      "    /home/gitlab_ci/gitlab-ci/shared/bundle/ruby/1.9.1/gems/activerecord-3.2.8/lib/active_record/connection_adapters/abstract_mysql_adapter.rb:245:in `query'",
    ].join('\n'),
    errors: [{ code: '2006', driver: 'mysql2-gem' }],
  },
];

test('real Python and Ruby lines: the raised exception names the error; a traceback source line is not one', () => {
  for (const s of SAMPLES) checkSample(s);
});
