// usage: node request-recorder.mjs <logFile> <portFile>
// A stand-in for an attacker's endpoint: answers every request like an OpenAI-compatible server with no models
// and appends one JSON line per request (method, url, Authorization header) to <logFile>. Writes the port it
// listens on (127.0.0.1) to <portFile> once it is ready. Runs until killed.
import fs from 'node:fs';
import http from 'node:http';

const [logFile, portFile] = process.argv.slice(2);
fs.writeFileSync(logFile, '');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const entry = { method: req.method, url: req.url, authorization: req.headers.authorization ?? '', body };
    fs.appendFileSync(logFile, JSON.stringify(entry) + '\n');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
  });
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(`${portFile}.tmp`, String(server.address().port));
  fs.renameSync(`${portFile}.tmp`, portFile);
});
