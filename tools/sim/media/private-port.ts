/**
 * A listener on another 127.0.0.1 port that stands for a private address (issue 17 §2, §6): a
 * message in the media group points at it, and the archive must refuse that URL without ever
 * connecting. It counts every TCP connection, so a test can assert that it was never contacted.
 * It answers whatever connects with a small "internal" page, so a bug would archive something
 * visible instead of failing quietly.
 */
import { createServer, type Server, type Socket } from 'node:net'

export interface PrivateHit {
  /** ms since the epoch. */
  at: number
  remotePort: number | undefined
}

export class PrivatePortListener {
  readonly hits: PrivateHit[] = []
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private boundPort = 0

  constructor(private readonly host = '127.0.0.1') {}

  get port(): number {
    return this.boundPort
  }

  async start(port = 0): Promise<number> {
    if (this.server) return this.boundPort
    const server = createServer((socket) => {
      this.hits.push({ at: Date.now(), remotePort: socket.remotePort })
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
      socket.on('error', () => {
        /* the client went away */
      })
      const body = '<html><body>router admin: internal only</body></html>'
      socket.end(`HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, this.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    const addr = server.address()
    if (addr === null || typeof addr === 'string') throw new Error('Unexpected private listener address')
    this.boundPort = addr.port
    this.server = server
    return this.boundPort
  }

  async stop(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      for (const s of this.sockets) s.destroy()
      this.sockets.clear()
    })
  }
}
