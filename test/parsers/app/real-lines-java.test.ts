/**
 * Java lines from public issues (each sample's page in \`src\`; docs/client-errors.md "Real lines checked"):
 * Connector/J with HikariCP, Druid, MyBatis, Spring Boot, Minecraft server consoles (log4j2 \`[HH:MM:SS LEVEL]:\`),
 * and MariaDB Connector/J, whose \`(conn=N)\` prefix is the server's thread id.
 */
import { test } from 'node:test';
import { checkSample, type RealSample } from './real-lines.js';

const SAMPLES: RealSample[] = [
  {
    src: 'https://github.com/brettwooldridge/HikariCP/issues/1916',
    text: [
      '\tat org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659) ~[tomcat-embed-core-9.0.53.jar:9.0.53]',
      '\tat org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61) ~[tomcat-embed-core-9.0.53.jar:9.0.53]',
      '\tat java.lang.Thread.run(Thread.java:834) [?:?]',
      'Caused by: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
      '',
      'The last packet successfully received from the server was 3,600,089 milliseconds ago. The last packet sent successfully to the server was 3,600,089 milliseconds ago.',
      '\tat com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174) ~[mysql-connector-java-8.0.28.jar:8.0.28]',
      '\tat com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:64) ~[mysql-connector-java-8.0.28.jar:8.0.28]',
      '\tat com.mysql.cj.jdbc.ServerPreparedStatement.serverExecute(ServerPreparedStatement.java:633) ~[mysql-connector-java-8.0.28.jar:8.0.28]',
    ].join('\n'),
    errors: [{ code: 'CommunicationsException', cls: 'lost', driver: 'connector-j', lastMs: 3600089 }],
  },
  {
    src: 'https://github.com/alibaba/druid/issues/5835',
    text: [
      'Error querying database.  Cause: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure The last packet successfully received from the server was 11,541 milliseconds ago. The last packet sent successfully to the server was 11,541 milliseconds ago. ; Communications link failure The last packet successfully received from the server was 11,541 milliseconds ago. The last packet sent successfully to the server was 11,541 milliseconds ago.; nested exception is com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure The last packet successfully received from the server was 11,541 milliseconds ago. The last packet sent successfully to the server was 11,541 milliseconds ago.',
    ].join('\n'),
    errors: [{ code: 'CommunicationsException', lastMs: 11541 }],
  },
  {
    src: 'https://github.com/alibaba/druid/issues/4016',
    text: [
      '### Error querying database.  Cause: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
      '',
      'The last packet successfully received from the server was 2,230,340 milliseconds ago. The last packet sent successfully to the server was 2,230,348 milliseconds ago.',
      '### The error may exist in UserMapper.java (best guess)',
      '### The error may involve UserMapper.selectOneByExample-Inline',
      '### The error occurred while setting parameters',
      '### SQL: SELECT  *  FROM t_user  WHERE       (  account_no = ? )',
      '### Cause: com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
    ].join('\n'),
    errors: [{ code: 'CommunicationsException', lastMs: 2230340 }],
  },
  {
    src: 'https://github.com/alibaba/druid/issues/1512',
    text: [
      'The last packet successfully received from the server was 5,957,572 milliseconds ago.  The last packet sent successfully to the server was 10 milliseconds ago.',
      '\tat sun.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)',
      '\tat com.mysql.jdbc.Util.handleNewInstance(Util.java:411)',
      '\tat com.mysql.jdbc.SQLError.createCommunicationsException(SQLError.java:1129)',
      '\tat com.mysql.jdbc.MysqlIO.reuseAndReadPacket(MysqlIO.java:3720)',
    ].join('\n'),
    errors: [{ code: 'CommunicationsException', lastMs: 5957572 }],
  },
  {
    src: 'https://github.com/zendesk/maxwell/issues/1508',
    text: [
      'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
      '',
      'The last packet successfully received from the server was 0 milliseconds ago.  The last packet sent successfully to the server was 0 millis',
      'conds ago.',
      '        at com.mysql.cj.jdbc.exceptions.SQLError.createCommunicationsException(SQLError.java:174) ~[mysql-connector-java-8.0.17.jar:8.0.17]',
      '        at com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException(SQLExceptionsMapping.java:64) ~[mysql-connector-java-8.0.17',
      'jar:8.0.17]',
    ].join('\n'),
    errors: [{ code: 'CommunicationsException', lastMs: 0 }],
  },
  // logback's default layout has no date: no @timestamp (a day is never guessed); the pool closer's DEBUG report
  // is a second record
  {
    src: 'https://github.com/brettwooldridge/HikariCP/issues/1156',
    text: [
      '00:20:27.895 [http-nio-8080-exec-4] WARN com.zaxxer.hikari.pool.PoolBase - HikariPool-1 - Failed to validate connection com.mysql.cj.jdbc.ConnectionImpl@6bc7e028 (No operations allowed after connection closed.)',
      '00:20:27.895 [HikariPool-1 connection closer] DEBUG com.zaxxer.hikari.pool.PoolBase - HikariPool-1 - Closing connection com.mysql.cj.jdbc.ConnectionImpl@6bc7e028: (connection is dead)',
      '00:20:27.900 [HikariPool-1 connection closer] DEBUG com.zaxxer.hikari.pool.PoolBase - HikariPool-1 - Closing connection com.mysql.cj.jdbc.ConnectionImpl@6bc7e028 failed',
      'java.sql.SQLNonTransientConnectionException: No operations allowed after connection closed.',
      '\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:526)',
      '\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:513)',
    ].join('\n'),
    errors: [
      { code: 'connection_closed', cls: 'other_lost', worker: 'http-nio-8080-exec-4' },
      { code: 'connection_closed', worker: 'HikariPool-1 connection closer' },
    ],
  },
  {
    src: 'https://github.com/PlayPro/CoreProtect/issues/362',
    text: [
      '[Tue 13:15:12 WARN  net.coreprotect.hikari.pool.PoolBase] HikariPool-1 - Failed to validate connection com.mysql.cj.jdbc.ConnectionImpl@42a7f795 (No operations allowed after connection closed.). Possibly consider using a shorter maxLifetime value.',
    ].join('\n'),
    errors: [{ code: 'connection_closed', driver: 'connector-j' }],
  },
  {
    src: 'https://github.com/Shynixn/PetBlocks/issues/506',
    text: [
      '[13:23:43 WARN]: [com.github.shynixn.petblocks.lib.com.zaxxer.hikari.pool.PoolBase] HikariPool-1 - Failed to validate connection com.mysql.cj.jdbc.ConnectionImpl@433c9e33 (No operations allowed after connection closed.). Possibly consider using a shorter maxLifetime value.',
    ].join('\n'),
    errors: [
      {
        code: 'connection_closed',
        level: 'warn',
        msg: 'Failed to validate connection com.mysql.cj.jdbc.ConnectionImpl@433c9e33',
      },
    ],
  },
  {
    src: 'https://github.com/LuckPerms/LuckPerms/issues/1489',
    text: [
      '[19:54:59 WARN] [me.lucko.luckperms.lib.hikari.pool.PoolBase]: luckperms-hikari - Failed to validate connection me.lucko.luckperms.lib.mysql.jdbc.JDBC4Connection@572267e7 (No operations allowed after connection closed.). Possibly consider using a shorter maxLifetime value.',
    ].join('\n'),
    errors: [{ code: 'connection_closed', level: 'warn' }],
  },
  {
    src: 'https://github.com/apache/shardingsphere/issues/9594',
    text: [
      '2021-03-04 19:21:31.838 [http-nio-8511-exec-80] [trace-id=2b97225e428a73a] [span-id=c1d103c2b2f7212f] [tenant=36] [user=3702e4e1bec249c4b57dff7466d5bbf6] WARN  com.zaxxer.hikari.pool.ProxyConnection:182 - DatebookHikariCP - Connection com.mysql.jdbc.JDBC4Connection@71ff06e9 marked as broken because of SQLSTATE(08S01), ErrorCode(0)',
      'com.mysql.jdbc.exceptions.jdbc4.MySQLNonTransientConnectionException: Communications link failure',
      '        at sun.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method)',
      '        at com.mysql.jdbc.MysqlIO.checkErrorPacket(MysqlIO.java:3976)',
    ].join('\n'),
    errors: [
      {
        t: '2021-03-04T19:21:31.838Z',
        code: 'CommunicationsException',
        type: 'com.mysql.jdbc.exceptions.jdbc4.MySQLNonTransientConnectionException',
      },
    ],
  },
  // a pool that hands out no connection in 30 s: nothing died
  {
    src: 'https://github.com/brettwooldridge/HikariCP/issues/1905',
    text: [
      '[ERROR] 2022-02-24 10:16:41,648 | org.hibernate.engine.jdbc.spi.SqlExceptionHelper : logExceptions > HikariPool-1 - Connection is not available, request timed out after 30002ms.',
      "2022-02-24T10:16:41.658336500Z [ERROR] 2022-02-24 10:16:41,653 | org.javacord.core.util.logging.PrivacyProtectionLogger : logMessage > Unhandled exception in a listener thread for Marvn's behinderter Test Server voll mit unfreundlichen Bots!",
      '2022-02-24T10:16:41.658384300Z  org.hibernate.exception.JDBCConnectionException: Unable to acquire JDBC Connection',
    ].join('\n'),
    errors: [],
  },
  // "has not received any packets": the connect failed
  {
    src: 'https://github.com/spring-projects/spring-boot/issues/13063',
    text: [
      '2018-05-04 15:54:10.909 ERROR 16352 --- [           main] o.a.tomcat.jdbc.pool.ConnectionPool      : Unable to create initial connections of pool.',
      '',
      'com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure',
      '',
      'The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.',
      '\tat sun.reflect.NativeConstructorAccessorImpl.newInstance0(Native Method) ~[na:1.8.0_144]',
    ].join('\n'),
    errors: [],
  },
  // "has not received any packets": the connect failed
  {
    src: 'https://github.com/spring-projects/spring-boot/issues/32497',
    text: [
      '2022-09-26 16:56:03.487 ERROR 22504 --- [reate-173516428] com.alibaba.druid.pool.DruidDataSource   : create connection SQLException, url: jdbc:mysql://192.168.244.131:3306/myblog?useUnicode=true&characterEncoding=UTF-8&serverTimezone=Asia/Shanghai&useSSL=false, errorCode 0, state 08S01',
      '',
      'com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure',
      '',
      'The last packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from the server.',
    ].join('\n'),
    errors: [],
  },
  {
    src: 'https://github.com/osalvador/ReplicaDB/issues/140',
    text: [
      '2023-06-01 00:19:50,519 INFO  SqlManager:430 Inserting data from staging table to sink table within a transaction:  INSERT INTO product_external_fitting...',
      '2023-06-01 02:19:57,100 ERROR ReplicaDB:134 Got exception running ReplicaDB: java.sql.SQLNonTransientConnectionException: (conn=1514619) Connection reset',
    ].join('\n'),
    errors: [
      {
        t: '2023-06-01T02:19:57.100Z',
        code: 'ECONNRESET',
        cls: 'reset',
        driver: 'mariadb-connector-j',
        lang: 'java',
        thread: 1514619,
      },
    ],
  },
  {
    src: 'https://github.com/metabase/metabase/issues/10063',
    text: [
      '[2d7a6e3a-5cd5-43bc-b160-0978f2453298] 2019-10-05T01:28:08-04:00 WARN metabase.query-processor.middleware.process-userland-query Query failure {:status :failed,',
      ' :class java.sql.SQLNonTransientConnectionException,',
      ' :error "(conn=491) Connection reset",',
      ' :stacktrace',
      ' ("org.mariadb.jdbc.internal.util.exceptions.ExceptionMapper.get(ExceptionMapper.java:234)"',
    ].join('\n'),
    errors: [{ code: 'ECONNRESET', driver: 'mariadb-connector-j', thread: 491 }],
  },
  {
    src: 'https://github.com/jonesdevelopment/sonar/issues/428',
    text: [
      '[13:56:42 ERROR]: java.sql.SQLNonTransientConnectionException: (conn=325034) Socket error',
      '[13:56:42 ERROR]:       at xyz.jonesdev.sonar.libs.mariadb.jdbc.export.ExceptionFactory.createException(ExceptionFactory.java:300)',
      '[13:56:42 ERROR]:       at xyz.jonesdev.sonar.libs.mariadb.jdbc.client.impl.StandardClient.sendQuery(StandardClient.java:879)',
    ].join('\n'),
    errors: [{ code: 'socket_error', driver: 'mariadb-connector-j', thread: 325034, level: 'error' }],
  },
  {
    src: 'https://github.com/metabase/metabase/issues/12877',
    text: [
      '"java.sql.SQLNonTransientConnectionException", message: "(conn=801) unexpected end of stream, read 0 bytes from 4 (socket was closed by server)',
    ].join('\n'),
    errors: [{ code: 'unexpected_end_of_stream', cls: 'lost', thread: 801 }],
  },
  {
    src: 'https://github.com/spring-attic/spring-cloud-dataflow/issues/5102',
    text: [
      'Caused by: java.sql.SQLNonTransientConnectionException: (conn=12581339) Connection is closed',
      '\tat org.mariadb.jdbc.internal.util.exceptions.ExceptionFactory.createException(ExceptionFactory.java:73)',
      '\tat org.mariadb.jdbc.internal.util.exceptions.ExceptionFactory.create(ExceptionFactory.java:192)',
    ].join('\n'),
    errors: [{ code: 'connection_closed', driver: 'mariadb-connector-j', thread: 12581339 }],
  },
  {
    src: 'https://github.com/alibaba/druid/issues/5231',
    text: [
      'Caused by: java.sql.SQLNonTransientConnectionException: Connection reset',
      '        at org.mariadb.jdbc.internal.protocol.AbstractQueryProtocol.handleIoException(AbstractQueryProtocol.java:2081) ~[mariadb-java-client-2.7.0.jar:?]',
      '        at org.mariadb.jdbc.internal.protocol.AbstractQueryProtocol.executeQuery(AbstractQueryProtocol.java:264) ~[mariadb-java-client-2.7.0.jar:?]',
      'Caused by: java.net.SocketException: Connection reset',
      '        at java.net.SocketOutputStream.socketWrite(SocketOutputStream.java:115) ~[?:1.8.0_232]',
    ].join('\n'),
    errors: [{ code: 'ECONNRESET', driver: 'mariadb-connector-j' }],
  },
];

test('real Java lines: Connector/J and MariaDB Connector/J errors with thread id and last packet; pool timeouts and refused connects are not lost connections', () => {
  for (const s of SAMPLES) checkSample(s);
});
