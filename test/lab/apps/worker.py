"""Lab app (c): a Python 3.11 + PyMySQL worker driven by the lab orchestrator (one JSON command per stdin
line, one JSON reply per stdout line; protocol in test/lab/lib/lane.ts).

Errors are logged with the logging module (`logger.exception`, traceback included) in the format of
docs/lab-findings.md §1 app (c). The ground-truth bookkeeping (local port, CONNECTION_ID(), @@port, log offsets)
goes to stdout only. Usage: python3 worker.py <lane-name> <app-python.log>
"""
import fcntl
import json
import logging
import os
import sys
import threading
import time

import pymysql

LANE = sys.argv[1] if len(sys.argv) > 1 else "py-1"
LOG_FILE = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else "app-python.log")


def now_ms():
    return int(time.time() * 1000)


def out(msg):
    sys.stdout.write(json.dumps(msg) + "\n")
    sys.stdout.flush()


class OffsetFileHandler(logging.Handler):
    """Appends each record with one locked write and remembers where its first byte landed
    (the file size before the append): the lanes of this app share one file."""

    def __init__(self, path):
        super().__init__()
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.last = None

    def emit(self, record):
        data = (self.format(record) + "\n").encode("utf-8", "replace")
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            off = os.fstat(self.fd).st_size
            view = memoryview(data)
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.last = (off, len(data))


threading.current_thread().name = LANE
logging.Formatter.converter = time.gmtime
handler = OffsetFileHandler(LOG_FILE)
handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"))
logger = logging.getLogger("shop.reports")
logger.addHandler(handler)
logger.setLevel(logging.INFO)
logger.propagate = False

conn = None
info = None
seq = 0


def report_error(exc, sql):
    t = now_ms()
    logger.exception("report query failed: %s", sql)
    off, length = handler.last
    code = str(exc.args[0]) if getattr(exc, "args", None) else type(exc).__name__
    message = str(exc.args[1]) if getattr(exc, "args", None) and len(exc.args) > 1 else str(exc)
    out({"event": "app_error", "lane": LANE, "file": LOG_FILE, "offset": off, "length": length, "code": code,
         "message": message, "t_ms": t, "sql": sql, "conn_seq": info and info["seq"],
         "local_port": info and info.get("local_port"), "thread_id": info and info.get("thread_id")})
    return {"code": code, "message": message}


def run_query(sql, args=None):
    with conn.cursor() as cur:
        cur.execute(sql, args)
        return len(cur.fetchall())


def handle(cmd):
    global conn, info, seq
    op = cmd.get("op")
    t0 = now_ms()
    if op == "connect":
        seq += 1
        info = {"seq": seq}
        try:
            conn = pymysql.connect(host=cmd["host"], port=int(cmd["port"]), user=cmd["user"], password=cmd["password"],
                                   database=cmd["database"], connect_timeout=5, autocommit=True)
            with conn.cursor() as cur:
                cur.execute("select connection_id(), @@port, (select host from information_schema.processlist"
                            " where id = connection_id())")
                tid, port, host = cur.fetchone()
            info.update(local_port=conn._sock.getsockname()[1], thread_id=int(tid), mysql_port=int(port),
                        backend_port=int(str(host).rsplit(":", 1)[-1]))
            return {"ok": True, "t0": t0, "t1": now_ms(), "conn": info}
        except pymysql.err.MySQLError as exc:
            conn = None
            return {"ok": False, "t0": t0, "t1": now_ms(), "error": report_error(exc, "connect")}
    if op in ("query", "big"):
        sql = "select length(%s) as n" if op == "big" else cmd["sql"]
        args = ("x" * int(cmd["bytes"]),) if op == "big" else None
        try:
            n = run_query(sql, args)
            return {"ok": True, "t0": t0, "t1": now_ms(), "rows": n}
        except pymysql.err.MySQLError as exc:
            return {"ok": False, "t0": t0, "t1": now_ms(), "error": report_error(exc, sql)}
    if op in ("close", "exit"):
        if conn is not None:
            try:
                conn.close()  # COM_QUIT into a dead socket is silent (docs/lab-findings.md §3, scenario 01)
            except Exception:  # noqa: BLE001 - "Already closed" after a lost connection
                pass
        conn = None
        info = None
        return {"ok": True, "t0": t0, "t1": now_ms()}
    return {"ok": False, "error": {"code": "BAD_OP", "message": "unknown op %s" % op}}


for line in sys.stdin:
    line = line.strip()
    if not line:
        continue
    command = json.loads(line)
    reply = handle(command)
    reply["id"] = command.get("id")
    out(reply)
    if command.get("op") == "exit":
        break
