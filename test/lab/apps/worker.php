<?php
// Lab app (a): a PHP 8.2 PDO/mysqlnd worker, driven by the lab orchestrator through one JSON command per
// line on stdin, one JSON reply per line on stdout (see test/lab/lib/lane.ts for the protocol).
// It logs its DB errors like Laravel/Monolog (docs/lab-findings.md §1 app (a)); everything the ground truth needs
// (local port, CONNECTION_ID(), @@port, log offsets) goes to stdout only, never into the log under test.
// Usage: php worker.php <lane-name> <app-php.log>
declare(strict_types=1);
date_default_timezone_set('UTC');

$lane = $argv[1] ?? 'php-1';
$logFile = $argv[2] ?? 'app-php.log';
$pdo = null;
$seq = 0;
$conn = null;   // bookkeeping of the current connection

function now_ms(): int { return (int) floor(microtime(true) * 1000); }

function out(array $m): void {
    fwrite(STDOUT, json_encode($m, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n");
    fflush(STDOUT);
}

// PDO exposes no socket: find our TCP socket to the frontend via /proc/self/fd inodes + /proc/net/tcp
// (docs/lab-findings.md §1: "PHP: via /proc/self/fd + /proc/net/tcp").
function local_port_to(int $remotePort): ?int {
    $inodes = [];
    foreach (scandir('/proc/self/fd') ?: [] as $fd) {
        $l = @readlink("/proc/self/fd/$fd");
        if ($l !== false && preg_match('/^socket:\[(\d+)\]$/', $l, $m)) { $inodes[$m[1]] = true; }
    }
    foreach (['/proc/net/tcp', '/proc/net/tcp6'] as $f) {
        $lines = @file($f) ?: [];
        foreach ($lines as $i => $line) {
            if ($i === 0) { continue; }
            $p = preg_split('/\s+/', trim($line));
            if (count($p) < 10) { continue; }
            $lport = hexdec(substr($p[1], strrpos($p[1], ':') + 1));
            $rport = hexdec(substr($p[2], strrpos($p[2], ':') + 1));
            if ($rport === $remotePort && $p[3] === '01' && isset($inodes[$p[9]])) { return (int) $lport; }
        }
    }
    return null;
}

// Append one record with a single locked write; the record's first byte is the file size before the append.
function append_log(string $file, string $record): array {
    $fh = fopen($file, 'ab');
    flock($fh, LOCK_EX);
    clearstatcache(true, $file);
    $off = fstat($fh)['size'];
    fwrite($fh, $record);
    fflush($fh);
    flock($fh, LOCK_UN);
    fclose($fh);
    return [$off, strlen($record)];
}

// Monolog LineFormatter as configured by Laravel (allowInlineLineBreaks, includeStacktraces): the JSON context's
// escaped "\n" become real newlines, class names keep their JSON-escaped backslashes.
function laravel_record(PDOException $e, string $sql): string {
    $msg = $e->getMessage() . " (SQL: $sql)";
    $state = (string) $e->getCode();
    $vendor = '/srv/shop/vendor/laravel/framework/src/Illuminate/Database';
    $short = strlen($sql) > 15 ? substr($sql, 0, 15) . '...' : $sql;
    $ex = "[object] (Illuminate\\Database\\QueryException(code: $state): $msg at $vendor/Connection.php:760)\n"
        . "[stacktrace]\n"
        . "#0 $vendor/Connection.php(720): Illuminate\\Database\\Connection->runQueryCallback('$short', Array, Object(Closure))\n"
        . "#1 $vendor/Connection.php(405): Illuminate\\Database\\Connection->run('$short', Array, Object(Closure))\n"
        . "#2 /srv/shop/app/Jobs/SyncCatalog.php(42): Illuminate\\Database\\Connection->select('$short')\n"
        . "#3 {main}\n\n"
        . "[previous exception] [object] (PDOException(code: $state): " . $e->getMessage() . " at $vendor/Connection.php:416)\n"
        . "[stacktrace]\n"
        . "#0 $vendor/Connection.php(416): PDOStatement->execute()\n"
        . "#1 $vendor/Connection.php(753): Illuminate\\Database\\Connection->Illuminate\\Database\\{closure}('$short', Array)\n"
        . "#2 {main}\n";
    $ctx = json_encode(['exception' => $ex], JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
    $ctx = str_replace(['\r', '\n'], ["\r", "\n"], $ctx);
    return '[' . gmdate('Y-m-d H:i:s') . "] production.ERROR: $msg $ctx \n";
}

function log_error(PDOException $e, string $sql, ?array $conn): array {
    global $logFile, $lane;
    $t = now_ms();
    [$off, $len] = append_log($logFile, laravel_record($e, $sql));
    $info = $e->errorInfo ?? null;
    $code = (is_array($info) && isset($info[1])) ? (string) $info[1] : (preg_match('/(?::|\[)\s?(\d{4})\b/', $e->getMessage(), $m) ? $m[1] : (string) $e->getCode());
    $ev = ['event' => 'app_error', 'lane' => $lane, 'file' => realpath($logFile), 'offset' => $off, 'length' => $len,
        'code' => $code, 'message' => $e->getMessage(), 't_ms' => $t, 'sql' => $sql,
        'conn_seq' => $conn['seq'] ?? null, 'local_port' => $conn['local_port'] ?? null, 'thread_id' => $conn['thread_id'] ?? null];
    out($ev);
    return ['code' => $code, 'message' => $e->getMessage()];
}

function run_query(string $sql, array $params = []): int {
    global $pdo;
    if ($params) { $st = $pdo->prepare($sql); $st->execute($params); }
    else { $st = $pdo->query($sql); }
    $rows = $st->fetchAll();
    $st = null;
    return count($rows);
}

while (($line = fgets(STDIN)) !== false) {
    $cmd = json_decode($line, true);
    if (!is_array($cmd)) { continue; }
    $id = $cmd['id'] ?? null;
    $op = $cmd['op'] ?? '';
    $t0 = now_ms();
    try {
        if ($op === 'connect') {
            $pdo = null;
            $seq++;
            $conn = ['seq' => $seq];
            $dsn = "mysql:host={$cmd['host']};port={$cmd['port']};dbname={$cmd['database']}";
            $pdo = new PDO($dsn, $cmd['user'], $cmd['password'], [PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION, PDO::ATTR_TIMEOUT => 5]);
            $pdo->exec("set names 'utf8mb4' collate 'utf8mb4_unicode_ci'");
            $r = $pdo->query("select connection_id() as id, @@port as port, (select host from information_schema.processlist where id = connection_id()) as host")->fetch(PDO::FETCH_ASSOC);
            $conn += ['local_port' => local_port_to((int) $cmd['port']), 'thread_id' => (int) $r['id'], 'mysql_port' => (int) $r['port'],
                'backend_port' => (int) substr((string) $r['host'], strrpos((string) $r['host'], ':') + 1)];
            out(['id' => $id, 'ok' => true, 't0' => $t0, 't1' => now_ms(), 'conn' => $conn]);
        } elseif ($op === 'query' || $op === 'big') {
            $sql = $op === 'big' ? 'select length(?) as n' : (string) $cmd['sql'];
            $params = $op === 'big' ? [str_repeat('x', (int) $cmd['bytes'])] : [];
            try {
                $n = run_query($sql, $params);
                out(['id' => $id, 'ok' => true, 't0' => $t0, 't1' => now_ms(), 'rows' => $n]);
            } catch (PDOException $e) {
                $err = log_error($e, $sql, $conn);
                out(['id' => $id, 'ok' => false, 't0' => $t0, 't1' => now_ms(), 'error' => $err]);
            }
        } elseif ($op === 'close') {
            $pdo = null;   // PDO's destructor sends COM_QUIT (silently into a dead socket: docs/lab-findings.md §3, scenario 01)
            $conn = null;
            out(['id' => $id, 'ok' => true, 't0' => $t0, 't1' => now_ms()]);
        } elseif ($op === 'exit') {
            $pdo = null;
            out(['id' => $id, 'ok' => true, 't0' => $t0, 't1' => now_ms()]);
            exit(0);
        } else {
            out(['id' => $id, 'ok' => false, 'error' => ['code' => 'BAD_OP', 'message' => "unknown op $op"]]);
        }
    } catch (PDOException $e) {
        // connect failures are real app errors too (logged), the lab's validation will flag them
        $err = log_error($e, 'connect', $conn);
        $pdo = null;
        out(['id' => $id, 'ok' => false, 't0' => $t0, 't1' => now_ms(), 'error' => $err]);
    }
}
