// Preloaded into a CLI run that must not touch the network (--facts): the first UDP socket,
// TCP connection or host-name lookup ends the process at once with exit code 99 and a line
// naming it, whatever the code that tried would have done with an error.
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';

function caught(what: string): never {
  process.stderr.write(`no-sockets guard: ${what}\n`);
  process.exit(99);
}

const createSocket = dgram.createSocket;
(dgram as { createSocket: unknown }).createSocket = (...args: unknown[]) => {
  caught(`dgram.createSocket(${JSON.stringify(args[0])})`);
  return (createSocket as (...a: unknown[]) => unknown)(...args);
};
net.Socket.prototype.connect = function refused(this: net.Socket, ...args: unknown[]) {
  caught(`net connect ${JSON.stringify(args[0])}`);
} as typeof net.Socket.prototype.connect;
(dns as { lookup: unknown }).lookup = (host: string) => caught(`dns.lookup(${host})`);
