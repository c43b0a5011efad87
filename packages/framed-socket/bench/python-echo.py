"""Python peer of the echo benchmark: a forked echo server and a client that times itself.

Both sides frame with struct '>I', turn every frame into its own bytes object (as a program that
handles messages must), and move frames in batches (one sendall per received batch), the fast way
to do it in Python. Prints the client's elapsed seconds for N round trips.
With MODE 'per-frame' both sides call sendall once per frame instead (the cookbook's style).
usage: python3 python-echo.py SIZE N WINDOW [batched|per-frame]
"""
import os
import socket
import struct
import sys
import time

size, n, window = (int(a) for a in sys.argv[1:4])
per_frame = len(sys.argv) > 4 and sys.argv[4] == 'per-frame'
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
port = srv.getsockname()[1]
pid = os.fork()
if pid == 0:
    conn, _ = srv.accept()
    srv.close()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = bytearray()
    while True:
        data = conn.recv(262144)
        if not data:
            break
        buf += data
        pos = 0
        end = len(buf)
        replies = []
        while end - pos >= 4:
            (length,) = struct.unpack_from('>I', buf, pos)
            if end - pos - 4 < length:
                break
            body = bytes(buf[pos + 4:pos + 4 + length])
            if per_frame:
                conn.sendall(struct.pack('>I', len(body)) + body)
            else:
                replies.append(struct.pack('>I', len(body)))
                replies.append(body)
            pos += 4 + length
        if replies:
            conn.sendall(b''.join(replies))
        del buf[:pos]
    conn.close()
    os._exit(0)

srv.close()
client = socket.create_connection(('127.0.0.1', port))
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg = b'x' * size
start = time.perf_counter()
sent = received = 0
buf = bytearray()
while received < n:
    if sent < n and sent - received <= window // 2:
        k = min(window - (sent - received), n - sent)
        if per_frame:
            for _ in range(k):
                client.sendall(struct.pack('>I', len(msg)) + msg)
        else:
            client.sendall(b''.join(struct.pack('>I', len(msg)) + msg for _ in range(k)))
        sent += k
    data = client.recv(262144)
    if not data:
        raise RuntimeError('server closed early')
    buf += data
    pos = 0
    end = len(buf)
    while end - pos >= 4:
        (length,) = struct.unpack_from('>I', buf, pos)
        if end - pos - 4 < length:
            break
        body = bytes(buf[pos + 4:pos + 4 + length])
        if len(body) != size:
            raise RuntimeError('bad echo')
        pos += 4 + length
        received += 1
    del buf[:pos]
elapsed = time.perf_counter() - start
client.close()
os.waitpid(pid, 0)
print(elapsed)
