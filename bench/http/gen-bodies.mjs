// Writes N valid create-room bodies (fresh UUIDs, participant JWTs signed with the bench secret), one JSON
// document per line, for create.lua to send.
import crypto from 'node:crypto';
import fs from 'node:fs';
import jwt from 'jsonwebtoken';

const [out, countArg, secret] = process.argv.slice(2);
const count = Number(countArg);
const lines = [];
const exp = Math.floor(Date.now() / 1000) + 7200;
for (let i = 0; i < count; i++) {
  const roomId = crypto.randomUUID();
  const sessionId = crypto.randomUUID();
  const token = (userId, role) =>
    jwt.sign({ userId, roomId, sessionId, role, name: role, permissions: ['video', 'audio'], exp }, secret);
  lines.push(JSON.stringify({
    roomId,
    sessionId,
    participants: {
      coach: { id: `coach-${i}`, token: token(`coach-${i}`, 'coach') },
      client: { id: `client-${i}`, token: token(`client-${i}`, 'client') },
      aiOrb: { enabled: false },
    },
    config: { scheduledStartTime: new Date(Date.now() + 3600e3).toISOString(), maxDuration: 3600 },
  }));
}
fs.writeFileSync(out, lines.join('\n') + '\n');
