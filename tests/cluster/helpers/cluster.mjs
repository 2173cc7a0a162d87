// Three (or more) roomsd nodes in cluster mode (docs/cluster.md) for the cluster tests: a throwaway Redis
// and a fresh database on the test PostgreSQL server, both on loopback, and one Roomsd per node id, all
// sharing the API keys and secrets as a real deployment's nodes do. Runs inside the loopback-only namespace
// (`make test-cluster`).
import { postgresServer } from '../../integration/helpers/postgres.mjs';
import { redisServer } from '../../integration/helpers/redis.mjs';
import { Roomsd, freePort, randomSecret, waitUntil } from '../../integration/helpers/roomsd.mjs';

export async function startCluster(ids, { name = 'cluster', env = {}, logLevel } = {}) {
  const redis = await redisServer();
  const databaseUrl = (await postgresServer()).createDatabase(name);
  const shared = {
    keys: [randomSecret(`${name}-key`)],
    jwtSecret: randomSecret(`${name}-jwt`),
    webhookSecret: randomSecret(`${name}-whsec`),
    logLevel,
  };
  const nodes = {};
  for (const id of ids) {
    const port = await freePort();
    nodes[id] = new Roomsd({
      ...shared,
      port,
      env: {
        ...env,
        ROOMS_DATABASE_URL: databaseUrl,
        ROOMS_REDIS_URL: redis.url,
        ROOMS_NODE_ID: id,
        ROOMS_INTERNAL_URL: `http://127.0.0.1:${port}`,
      },
    });
    await nodes[id].start();
  }
  return {
    redis,
    databaseUrl,
    nodes,
    // The node holding the room's lease ('' when none does).
    owner: (roomId) => redis.cli('GET', `rooms:owner:${roomId}`),
    // Drains (or undrains) a node and waits until every other live node's view says so.
    async drain(id, draining = true) {
      const res = await nodes[id].api('POST', '/api/node/drain', { json: { draining }, validate: false });
      if (res.status !== 200) throw new Error(`drain ${id}: ${res.status} ${res.text}`);
      for (const [other, n] of Object.entries(nodes)) {
        if (other === id || !n.running) continue;
        await waitUntil(async () => {
          const h = (await n.api('GET', '/health', { noAuth: true })).json;
          return h.cluster?.nodes?.find((x) => x.id === id)?.draining === draining;
        }, { timeoutMs: 5000, message: `${other} to see ${id} ${draining ? 'draining' : 'taking rooms'}` });
      }
    },
    async close() {
      for (const n of Object.values(nodes)) await n.close().catch(() => {});
      redis.stop();
    },
  };
}
