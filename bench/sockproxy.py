#!/usr/bin/env python3
"""Forward a unix socket to the Docker Engine's and log every HTTP request made through it.

    bench/sockproxy.py LISTEN_PATH TARGET_PATH LOG

Each request appends `METHOD PATH` to LOG. Clients (docker, stackc) see an ordinary Engine
socket, so the same counting applies to every tool under test. Request lines are found by their
shape (`METHOD /path HTTP/1.x\\r\\n`), which JSON bodies cannot contain (JSON escapes raw CR and
LF), so there is no need to follow Content-Length through keep-alive connections. A request line
need not follow a CRLF: after a body the next request starts right behind its last byte.
"""
import os
import re
import socket
import sys
import threading

REQ = re.compile(rb"(GET|HEAD|POST|PUT|PATCH|DELETE) (/\S*) HTTP/1\.[01]\r\n")
KEEP = 8192  # bytes kept between reads, so a request line split across reads is still seen

log_lock = threading.Lock()


def pump(src, dst, log):
    buf, base, counted = bytearray(), 0, 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if log is not None:
                buf += data
                for m in REQ.finditer(buf):
                    if base + m.start() >= counted:
                        counted = base + m.end()
                        with log_lock:
                            log.write("%s %s\n" % (m.group(1).decode(), m.group(2).decode(errors="replace")))
                            log.flush()
                if len(buf) > KEEP:
                    drop = len(buf) - KEEP
                    del buf[:drop]
                    base += drop
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(conn, target, log):
    up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        up.connect(target)
    except OSError:
        conn.close()
        return
    t = threading.Thread(target=pump, args=(up, conn, None), daemon=True)
    t.start()
    pump(conn, up, log)
    t.join()
    conn.close()
    up.close()


def main():
    if len(sys.argv) != 4:
        sys.stderr.write("usage: sockproxy.py LISTEN_PATH TARGET_PATH LOG\n")
        sys.exit(2)
    listen, target, logpath = sys.argv[1:]
    if os.path.exists(listen):
        os.unlink(listen)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    srv.listen(64)
    log = open(logpath, "a")
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=serve, args=(conn, target, log), daemon=True).start()


if __name__ == "__main__":
    main()
