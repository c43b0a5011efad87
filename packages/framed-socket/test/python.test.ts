import { describe, expect, it } from 'vitest';
import { connect, DelimitedCodec, FixedLengthCodec, LengthPrefixedCodec } from '../src/index.js';
import { defer, echoServer, runPython, startPython, startServer } from './helpers.js';

// A python3 client framing with struct.pack('>I', len): sends messages, reads the echoes back.
const PY_STRUCT_CLIENT = String.raw`
import json, socket, struct, sys
port = int(sys.argv[1])
messages = [b'', b'x', 'h\u00e9llo w\u00f6rld'.encode(), bytes(range(256)) * 300]
def recv_exactly(sock, n):
    parts = []
    while n:
        chunk = sock.recv(n)
        if not chunk:
            raise RuntimeError('socket connection broken')
        parts.append(chunk)
        n -= len(chunk)
    return b''.join(parts)
with socket.create_connection(('127.0.0.1', port)) as sock:
    for m in messages:
        sock.sendall(struct.pack('>I', len(m)) + m)
    echoed = []
    for m in messages:
        (n,) = struct.unpack('>I', recv_exactly(sock, 4))
        echoed.append(recv_exactly(sock, n))
    sock.shutdown(socket.SHUT_WR)
    tail = sock.recv(1)
print(json.dumps({'ok': echoed == messages, 'lengths': [len(e) for e in echoed], 'tail': tail.decode()}))
`;

// The socket HOWTO's fixed-length socket, written for the test: loop until MSGLEN bytes moved.
const PY_FIXED_CLIENT = `
import socket, sys
MSGLEN = 16
class FixedSocket:
    def __init__(self, sock):
        self.sock = sock
    def mysend(self, msg):
        total = 0
        while total < MSGLEN:
            sent = self.sock.send(msg[total:])
            if sent == 0:
                raise RuntimeError('socket connection broken')
            total += sent
    def myreceive(self):
        chunks = []
        got = 0
        while got < MSGLEN:
            chunk = self.sock.recv(min(MSGLEN - got, 3))
            if chunk == b'':
                raise RuntimeError('socket connection broken')
            chunks.append(chunk)
            got += len(chunk)
        return b''.join(chunks)
s = FixedSocket(socket.create_connection(('127.0.0.1', int(sys.argv[1]))))
out = []
for word in [b'sixteen bytes!!!', b'0123456789abcdef']:
    s.mysend(word)
    out.append(s.myreceive().decode())
s.sock.close()
print('|'.join(out))
`;

// A python3 echo server on an ephemeral port; prints the port, serves one client, exits.
const PY_ECHO_SERVER = `
import socket, struct
srv = socket.socket()
srv.bind(('127.0.0.1', 0))
srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
def recv_exactly(n):
    buf = bytearray()
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)
while True:
    head = recv_exactly(4)
    if head is None:
        break
    (n,) = struct.unpack('>I', head)
    body = recv_exactly(n)
    conn.sendall(struct.pack('>I', n) + body[::-1])
conn.close()
srv.close()
`;

describe('interop with python3', () => {
  it("a python3 client using struct.pack('>I', len) framing talks to our server", async () => {
    const { port } = await startServer({
      codec: new LengthPrefixedCodec(),
      async onConnection(conn) {
        for await (const m of conn.messages()) void conn.send(m);
        // Returning ends our side: python's recv() then returns b''.
      },
    });
    const result = JSON.parse(await runPython(PY_STRUCT_CLIENT, [String(port)]));
    expect(result).toEqual({ ok: true, lengths: [0, 1, 13, 76800], tail: '' });
  });

  it("the cookbook's fixed-length socket talks to our FixedLengthCodec server", async () => {
    const { port } = await echoServer({ codec: new FixedLengthCodec(16) });
    expect((await runPython(PY_FIXED_CLIENT, [String(port)])).trim()).toBe(
      'sixteen bytes!!!|0123456789abcdef',
    );
  });

  it('our client talks to a python3 echo server', async () => {
    const { port } = await startPython(PY_ECHO_SERVER);
    const conn = await connect({ host: '127.0.0.1', port, timeoutMs: 10_000 });
    defer(() => conn.destroy());
    const big = Buffer.alloc(200_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const replies = await Promise.all(['abc', '', big].map((m) => conn.request(m)));
    expect(String(replies[0])).toBe('cba');
    expect(replies[1]!.length).toBe(0);
    expect(replies[2]!.equals(Buffer.from(big).reverse())).toBe(true);
    await conn.close();
  });

  it('a python3 line client talks to our DelimitedCodec server', async () => {
    const { port } = await startServer({
      codec: new DelimitedCodec('\n'),
      async onConnection(conn) {
        for await (const m of conn.messages()) void conn.send(String(m).toUpperCase());
      },
    });
    const script = String.raw`
import socket, sys
with socket.create_connection(('127.0.0.1', int(sys.argv[1]))) as s:
    f = s.makefile('rwb')
    f.write(b'one\ntwo\n'); f.flush()
    print(f.readline().decode().strip(), f.readline().decode().strip())
`;
    expect((await runPython(script, [String(port)])).trim()).toBe('ONE TWO');
  });
});
