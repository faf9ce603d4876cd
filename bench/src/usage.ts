/** What `pnpm bench --help` prints. */
export const USAGE = `\`pnpm bench\` — runs every benchmark, prints tables, writes
results/<timestamp>.json and results/latest.json.

  --smoke            tiny counts (< 20 s); what CI runs. Never asserts timings.
  --only=a,b         pipeline,memory,latency,cold-start,faults,ilink-latency,failover,many-accounts,store-latency
                     (default: pipeline,memory,latency,cold-start)
  --no-peer          skip wechat4u
  --no-experiments   skip the wxbot variant runs (always skipped with --smoke)
  --no-warm          skip the latency suite's warm pass (each target once more after 10,000 unmeasured messages)
  --out=<dir>        results directory (default bench/results)
  --latency-scale=<f> latency phases: messages × f (default 1 = 5,000 per phase)
  --baseline-core=<dir> latency, cold-start: also run "wxbot before" on that built core dist, alternated
                        with wxbot; memory: the large and small worlds on it too
  --baseline-server=<dir> cold-start: also start wxbot with @wxbot/server from that built dist (and, beside
                        it, this build through the same hook), alternated with wxbot
  --cold-start-node=<path> cold-start: run every cold-start process (wxbot's rows and wechat4u's) on that
                        node binary (e.g. Node 22/24 from node_modules/.node-lts, see \`pnpm test:node-lts\`)
  --latency-node=<path> latency: run the processes under test (wxbot, wechat4u, the minimal client) on that
                        node binary; the simulators and this orchestrator stay on the running node
  --load=<n>         run <n> busy-looping processes for the whole run (a loaded machine, reproducibly)
  --faults-rows=a,b  fault-matrix rows by slug (default: all; see bench/README.md)
  --faults-scale=<f> fault matrix: texts and chats × f (default 1 = 2,000 texts over 50 chats)
  --faults-count=<n> --faults-chats=<n> --faults-rate=<per s> --faults-parallel=<rows at a time>
  --failover-accounts=<n> --failover-kills=<n> --failover-ttl=<ms>   (--only=failover; needs Redis)
  --many-accounts=<n> --many-rate=<per s> --many-duration=<ms>   (--only=many-accounts)
  --store-accounts=<n> --store-rate=<per s> --store-rounds=<n>   (--only=store-latency; needs Redis)
  --help, -h         this text

bench/README.md says what each number is and how to compare two builds.
`;
