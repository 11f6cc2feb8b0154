package org.jstackless.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.jstackless.cluster.internal.Directory;
import org.jstackless.cluster.internal.Msg;
import org.jstackless.cluster.internal.Rows;
import org.jstackless.durable.ClusterHooks;
import org.jstackless.durable.DurableBody;
import org.jstackless.durable.DurableRuntime;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.PgStore;

/**
 * One node of a jstackless cluster: a Pekko Cluster member (membership, failure detection, the
 * split-brain resolver's keep-majority) whose Cluster Sharding places durable tasklets (entity =
 * tasklet id, one shard each, placed by an external allocation this class keeps) and durable
 * channels (entity = channel name) on nodes, over a PostgreSQL table shared by all nodes
 * (docs/cluster.md).
 *
 * <pre>
 *   try (ClusterNode n = ClusterNode.builder("n1").port(25520).seeds("127.0.0.1:25520")
 *           .store(jdbcUrl, "jobs").signingKey(key).allow(MyJobs.class).start()) {
 *       n.start("order-42", () -> MyJobs.fulfil(42));   // runs on some node, once
 *       n.awaitDone("order-42", Duration.ofMinutes(1));
 *   }
 * </pre>
 *
 * <p>A tasklet runs on at most one node: the node its entity lives on; when two nodes believe
 * they own it (a partition, a late hand-off), the store's compare-and-set on the checkpoint
 * sequence refuses the stale node's write and that node stops running it.
 */
public final class ClusterNode implements AutoCloseable {
    static final EntityTypeKey<Msg> TASKLET = EntityTypeKey.create(Msg.class, "jsl-tasklet");
    static final EntityTypeKey<Msg> CHANNEL = EntityTypeKey.create(Msg.class, "jsl-channel");
    private static final Map<String, ClusterNode> BY_THREAD = new ConcurrentHashMap<>();

    private final String name;
    private final PgStore store;
    private final Directory directory;
    private final DurableRuntime runtime;
    private final ActorSystem<Void> system;
    private final ClusterSharding sharding;
    private final ExternalShardAllocationClient placement;
    private final ScheduledExecutorService sweeper;
    private final Map<String, ActorRef<Msg>> local = new ConcurrentHashMap<>();
    /** Sweeper thread only: members' addresses seen removed, and since when. */
    private final Map<Address, Long> goneSince = new HashMap<>();
    /** Sweeper thread only: what the sweep remembers between two runs. */
    private final Sweep sweepState = new Sweep();
    private static final long GONE_GRACE_MILLIS = 1500;
    private final String threadName;
    /** The placement sweep's period, as configured (reported by {@link #rehomeSettings}). */
    private final Duration sweepEvery;
    private volatile boolean closed;

    /** Configures a {@link ClusterNode}. */
    public static final class Builder {
        private final String name;
        private String host = "127.0.0.1";
        private int port;
        private final List<String> seeds = new ArrayList<>();
        private String jdbcUrl;
        private String table = "jsl_durable";
        private byte[] key;
        private final List<Class<?>> allowed = new ArrayList<>();
        private Duration sweepEvery = Duration.ofSeconds(1);
        private Duration heartbeatPause = Duration.ofSeconds(3);
        private Duration stableAfter = Duration.ofSeconds(3);
        private Path keyStore;
        private Path trustStore;
        private String storePassword;
        private boolean exitJvm;
        private String[] code;

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9_-]{1,40}")) {
                throw new IllegalArgumentException("a node name of 1 to 40 letters, digits, '-' or '_': '" + name + "'");
            }
            this.name = name;
        }

        /** The loopback or LAN address this node listens on (default 127.0.0.1). */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host);
            return this;
        }

        /** The port of Pekko remoting (0: a free one). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Seed nodes as host:port (the first node lists itself). */
        public Builder seeds(String... hostPorts) {
            seeds.addAll(List.of(hostPorts));
            return this;
        }

        /** The shared PostgreSQL table of durable tasklets (created if missing). */
        public Builder store(String jdbcUrl, String table) {
            this.jdbcUrl = Objects.requireNonNull(jdbcUrl);
            this.table = Objects.requireNonNull(table);
            return this;
        }

        /** The key rows and pickles are signed with: the same on every node. */
        public Builder signingKey(byte[] key) {
            this.key = key.clone();
            return this;
        }

        /** Classes that may be in a checkpoint (as {@link DurableRuntime.Builder#allow}). */
        public Builder allow(Class<?>... classes) {
            allowed.addAll(List.of(classes));
            return this;
        }

        /**
         * Limits the code this node resumes to these packages or classes (as
         * {@link DurableRuntime.Builder#restrictCode}): checkpoints holding other methods are refused
         * here, and placed on nodes that accept them (version pinning, as for changed code).
         */
        public Builder restrictCode(String... packagesOrClasses) {
            code = packagesOrClasses.clone();
            return this;
        }

        /** How often the leader re-places unowned tasklets and kicks channels with waiters (default 1 s). */
        public Builder sweepEvery(Duration d) {
            sweepEvery = d;
            return this;
        }

        /**
         * Failure detection: a node missing heartbeats this long is unreachable (default 3 s), and
         * the split-brain resolver downs it after the membership was stable this long (default 3 s).
         */
        public Builder failureDetection(Duration acceptableHeartbeatPause, Duration stableAfter) {
            this.heartbeatPause = acceptableHeartbeatPause;
            this.stableAfter = stableAfter;
            return this;
        }

        /** Pekko remoting over TLS (Artery tls-tcp) with these PKCS12 stores (one password for both). */
        public Builder tls(Path keyStore, Path trustStore, String password) {
            this.keyStore = keyStore;
            this.trustStore = trustStore;
            this.storePassword = password;
            return this;
        }

        /**
         * Ends the JVM (through Pekko's coordinated shutdown) when this node is downed or
         * leaves, so that a supervisor starts it again as a new incarnation; for a process that is
         * only a node (the bank's), not for tests with several nodes in one JVM.
         */
        public Builder exitJvmWhenDowned() {
            exitJvm = true;
            return this;
        }

        /** Joins the cluster and starts running the tasklets sharding gives this node. */
        public ClusterNode start() throws IOException {
            if (jdbcUrl == null || key == null) {
                throw new IllegalStateException("a cluster node needs store(jdbcUrl, table) and signingKey(key)");
            }
            if (seeds.isEmpty()) {
                throw new IllegalStateException("a cluster node needs seeds(host:port...): the first node lists itself");
            }
            return new ClusterNode(this);
        }

        Config config() {
            StringBuilder s = new StringBuilder();
            // Pekko's own stdout logger: no SLF4J binding is needed to see its warnings.
            s.append("pekko { loglevel = WARNING, stdout-loglevel = WARNING, loggers = [\"org.apache.pekko.event.Logging$DefaultLogger\"]\n");
            s.append(" logging-filter = \"org.apache.pekko.event.DefaultLoggingFilter\"\n");
            s.append(" actor { provider = cluster\n");
            s.append("  serializers { jsl = \"org.jstackless.cluster.internal.WireSerializer\" }\n");
            s.append("  serialization-bindings { \"org.jstackless.cluster.internal.Msg\" = jsl } }\n");
            s.append(" remote.artery { canonical.hostname = \"").append(host).append("\", canonical.port = ").append(port).append("\n");
            if (keyStore != null) {
                s.append("  transport = tls-tcp\n  ssl.config-ssl-engine { key-store = \"").append(keyStore)
                        .append("\", trust-store = \"").append(trustStore).append("\", key-store-password = \"").append(storePassword)
                        .append("\", key-password = \"").append(storePassword).append("\", trust-store-password = \"")
                        .append(storePassword).append("\", protocol = \"TLSv1.3\", enabled-algorithms = [TLS_AES_128_GCM_SHA256]")
                        .append(", require-mutual-authentication = on, hostname-verification = off }\n");
            } else {
                s.append("  transport = tcp\n");
            }
            s.append(" }\n cluster { roles = [\"name:").append(name).append("\"], seed-nodes = [");
            for (int i = 0; i < seeds.size(); i++) {
                s.append(i == 0 ? "" : ", ").append("\"pekko://jsl@").append(seeds.get(i)).append("\"");
            }
            s.append("]\n  downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n");
            s.append("  split-brain-resolver { active-strategy = keep-majority, stable-after = ").append(stableAfter.toMillis())
                    .append("ms }\n");
            s.append("  failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = ").append(heartbeatPause.toMillis())
                    .append("ms }\n");
            s.append("  jmx.enabled = off\n");
            s.append("  distributed-data { gossip-interval = 200ms, notify-subscribers-interval = 100ms }\n");
            s.append("  sharding { passivation.strategy = none, rebalance-interval = 1s, retry-interval = 500ms, handoff-timeout = 3s,"
                    + " coordinator-state { write-majority-plus = 0, read-majority-plus = 0 },"
                    + " distributed-data.gossip-interval = 200ms }\n }\n");
            s.append(" coordinated-shutdown { exit-jvm = ").append(exitJvm ? "on" : "off").append(", run-by-jvm-shutdown-hook = off }\n}\n");
            // -Dpekko.… system properties override (operators tune the failure detector or log level so).
            return ConfigFactory.systemProperties().withFallback(ConfigFactory.parseString(s.toString()))
                    .withFallback(ConfigFactory.defaultReference()).resolve();
        }
    }

    /** A builder for node {@code name} (unique in the cluster: migration names it). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The node whose runtime runs the calling durable tasklet, or null (for code that asks where it runs). */
    public static ClusterNode current() {
        return BY_THREAD.get(Thread.currentThread().getName());
    }

    private ClusterNode(Builder b) throws IOException {
        this.name = b.name;
        this.threadName = "jsl-cluster-" + b.name + "-" + System.identityHashCode(this);
        this.sweepEvery = b.sweepEvery;
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            store = PgStore.open(b.jdbcUrl, b.table);
            opened.add(store);
            directory = new Directory(b.jdbcUrl, b.table);
            opened.add(directory);
            directory.forgetRefusals(name); // this start may run other code than the last one
            BY_THREAD.put(threadName, this);
            DurableRuntime.Builder rb = DurableRuntime.builder(store).signingKey(b.key).allow(b.allowed.toArray(Class<?>[]::new))
                    .threadName(threadName).cluster(new Hooks());
            if (b.code != null) {
                rb.restrictCode(b.code);
            }
            runtime = rb.open();
            opened.add(runtime);
            system = ActorSystem.create(Behaviors.empty(), "jsl", b.config());
            sharding = ClusterSharding.get(system);
            sharding.init(Entity.of(TASKLET, ctx -> TaskletEntity.create(this, ctx))
                    .withStopMessage(new Msg.Stop())
                    .withEntityProps(DispatcherSelector.blocking())
                    .withMessageExtractor(new OneShardEach())
                    .withAllocationStrategy(ExternalShardAllocationStrategy.create(system, TASKLET.name(), Duration.ofSeconds(5))));
            sharding.init(Entity.of(CHANNEL, ctx -> ChannelEntity.create(this, ctx))
                    .withStopMessage(new Msg.Stop())
                    .withEntityProps(DispatcherSelector.blocking()));
            placement = ExternalShardAllocation.get(system).getClient(TASKLET.name());
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().name("jsl-sweep-" + name)
                    .daemon(true).unstarted(r));
            long every = b.sweepEvery.toMillis();
            sweeper.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
            BY_THREAD.remove(threadName);
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception ignored) {
                    // the start failure is the news
                }
            }
            throw e;
        }
    }

    /** One shard per tasklet, so that one tasklet can be moved (migration) without others. */
    private static final class OneShardEach extends ShardingMessageExtractor<ShardingEnvelope<Msg>, Msg> {
        @Override
        public String entityId(ShardingEnvelope<Msg> e) {
            return e.entityId();
        }

        @Override
        public String shardId(String entityId) {
            return entityId;
        }

        @Override
        public Msg unwrapMessage(ShardingEnvelope<Msg> e) {
            return e.message();
        }
    }

    /** The runtime's news, turned into messages to entities (on the runtime's thread: nothing blocks). */
    private final class Hooks implements ClusterHooks {
        @Override
        public void created(String id) {
            // A new tasklet is placed on the node that created it; the leader re-places it if that node goes.
            placement.setShardLocation(id, selfAddress()).whenComplete((d, e) -> ensure(id));
        }

        @Override
        public void blocked(String channel) {
            sharding.entityRefFor(CHANNEL, channel).tell(new Msg.Kick());
        }

        @Override
        public void matched(String id) {
            ensure(id);
        }

        @Override
        public void matched(String id, org.jstackless.durable.Checkpoint row) {
            if (closed || row.pickle().length > Rows.MAX_PICKLE) {
                ensure(id); // too big for one message: its owner reads it from the store
            } else {
                sharding.entityRefFor(TASKLET, id).tell(new Msg.Woken(row));
            }
        }

        @Override
        public org.jstackless.durable.Checkpoint partnerRow(String channel, DurableState arriving,
                org.jstackless.durable.DurableStore store) {
            return directory.partnerRow(channel, arriving); // one query: who, and its row
        }

        @Override
        public String partner(String channel, DurableState arriving) {
            DurableState want = arriving == DurableState.SENDING ? DurableState.RECEIVING : DurableState.SENDING;
            List<Directory.Row> w = directory.waiters(channel);
            if (w.isEmpty() || w.stream().anyMatch(r -> r.state() != want)) {
                return null; // nobody to take, or older ones of the arriving kind: they go first (FIFO), via the channel's owner
            }
            return w.get(0).id();
        }

        @Override
        public List<String> pair(String channel) {
            String s = null;
            String r = null;
            for (Directory.Row w : directory.waiters(channel)) { // in the order they blocked
                if (w.state() == DurableState.SENDING && s == null) {
                    s = w.id();
                } else if (w.state() == DurableState.RECEIVING && r == null) {
                    r = w.id();
                }
            }
            return s != null && r != null ? List.of(s, r) : List.of();
        }

        @Override
        public int balance(String channel) {
            return ClusterNode.this.balance(channel);
        }

        @Override
        public void lost(String id) {
            ActorRef<Msg> r = local.get(id);
            if (r != null) {
                r.tell(new Msg.Lost());
            }
        }

        @Override
        public void unloadable(String id, String reason) {
            // Version pinning: recorded (listed by waiting()), and the leader places it on a node not refusing it.
            Thread.ofVirtual().start(() -> {
                try {
                    directory.refuse(id, name, reason);
                } catch (RuntimeException e) {
                    system.log().warn("cannot record that {} cannot run {}: {}", name, id, e.toString());
                }
                lost(id);
            });
        }
    }

    void entityStarted(String id, ActorRef<Msg> self) {
        local.put(id, self);
    }

    void entityStopped(String id, ActorRef<Msg> self) {
        local.remove(id, self);
    }

    DurableRuntime runtime() {
        return runtime;
    }

    Directory directory() {
        return directory;
    }

    /** This node's name. */
    public String name() {
        return name;
    }

    /**
     * The settings that bound re-homing after a node dies, read from this node's running
     * configuration (so a benchmark reports what was in force, -Dpekko.… overrides included):
     * {@code name=value} pairs separated by ", ".
     */
    String rehomeSettings() {
        Config c = system.settings().config();
        return "heartbeat-interval=" + c.getDuration("pekko.cluster.failure-detector.heartbeat-interval").toMillis() + "ms"
                + ", acceptable-heartbeat-pause="
                + c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause").toMillis() + "ms"
                + ", sbr=" + c.getString("pekko.cluster.split-brain-resolver.active-strategy")
                + ", stable-after=" + c.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis() + "ms"
                + ", sweep=" + sweepEvery.toMillis() + "ms"
                + ", gone-grace=" + GONE_GRACE_MILLIS + "ms"
                + ", handoff-timeout=" + c.getDuration("pekko.cluster.sharding.handoff-timeout").toMillis() + "ms";
    }

    /** The Pekko actor system (for operations and tests). */
    public ActorSystem<Void> system() {
        return system;
    }

    private Address selfAddress() {
        return Cluster.get(system).selfMember().address();
    }

    private void ensure(String id) {
        if (!closed) {
            sharding.entityRefFor(TASKLET, id).tell(new Msg.Ensure());
        }
    }

    /** The names of the members that are Up, sorted. */
    public List<String> members() {
        List<String> out = new ArrayList<>();
        for (Member m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                nameOf(m).ifPresent(out::add);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static Optional<String> nameOf(Member m) {
        return m.getRoles().stream().filter(r -> r.startsWith("name:")).map(r -> r.substring(5)).findFirst();
    }

    /**
     * Starts durable tasklet {@code id} (a no-op if it exists): its row is committed, then sharding
     * runs it on this node (until it moves). True if this call created it.
     */
    public boolean start(String id, DurableBody<?> body) {
        return runtime.start(id, body);
    }

    /** Starts, in one commit, each tasklet of {@code bodies} whose id does not exist; how many it created. */
    public int startAll(Map<String, ? extends DurableBody<?>> bodies) {
        return runtime.startAll(bodies);
    }

    /** Waits until {@code id} is FINISHED or FAILED, wherever it runs; its row. */
    public Directory.Row awaitDone(String id, Duration timeout) throws TimeoutException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Directory.Row r = directory.row(id);
            if (r != null && r.state().isDone()) {
                return r;
            }
            if (System.nanoTime() > end) {
                throw new TimeoutException("durable tasklet " + id + " is not done after " + timeout + ": " + r);
            }
            Thread.sleep(10);
        }
    }

    /** The result of finished {@code id} (for a failed one, an IllegalStateException with its error). */
    public <T> T result(String id) {
        return runtime.result(id);
    }

    /** Every durable tasklet's row (any node), by id. */
    public List<Directory.Row> list() {
        return directory.all();
    }

    /**
     * Version pinning: the unfinished tasklets some node could not run because its code does not
     * match their checkpoints, with the nodes and reasons. Those that every Up node refused wait
     * (unplaced) for a node whose code matches.
     */
    public List<Directory.Refusal> refusals() {
        return directory.refusals();
    }

    /**
     * Kills durable tasklet {@code id} wherever it runs: it ends FAILED "killed" at once, running
     * nothing more of it (a compare-and-set in the store; the node running it is refused at its next
     * commit and stops). False if it is done or unknown.
     */
    public boolean kill(String id) {
        return operate(id, "kill");
    }

    /**
     * Runs {@code op} on the node where {@code id}'s entity lives (the node that runs it), so that it
     * does not race that node's commits; sharding starts the entity if nobody runs it.
     */
    private boolean operate(String id, String op) {
        Duration t = Duration.ofSeconds(30);
        return AskPattern.<Msg, Boolean>ask(sharding.entityRefFor(TASKLET, id), r -> new Msg.Op(op, r), t, system.scheduler())
                .toCompletableFuture().orTimeout(t.toMillis() + 500, TimeUnit.MILLISECONDS).join();
    }

    /**
     * Suspends runnable durable tasklet {@code id} wherever it runs: it stops at its last checkpoint
     * (state SUSPENDED) and nothing of it runs, across restarts and moves, until {@link #resume}.
     */
    public boolean suspend(String id) {
        return operate(id, "suspend");
    }

    /** Resumes suspended {@code id} from its last checkpoint, on the node its entity lives on. */
    public boolean resume(String id) {
        return operate(id, "resume");
    }

    /**
     * Stackless's {@code balance} of durable channel {@code channel} across the cluster: the number
     * of tasklets blocked sending on it minus those blocked receiving (as of the last commits).
     */
    public int balance(String channel) {
        int b = 0;
        for (Directory.Row r : directory.waiters(channel)) {
            b += r.state() == DurableState.SENDING ? 1 : -1;
        }
        return b;
    }

    // ---------------------------------------------------------------- operations from any node (ClusterOps)

    /**
     * Cancels durable tasklet {@code id} wherever it runs: its suspending call raises TaskletExit, its
     * {@code finally} blocks run, and it ends FAILED "cancelled" (run by the node its entity lives
     * on; through the store if no node can load it). False if it is done or unknown.
     */
    public boolean cancel(String id) {
        return operate(id, "cancel");
    }

    /** Deletes finished or failed {@code id} from the store, on the node that ran it; false if not done. */
    public boolean purge(String id) {
        return operate(id, "purge");
    }

    /** Deletes every finished or failed durable tasklet of the cluster, in one fenced commit; how many. */
    public int purgeFinished() {
        return runtime.purgeAll(directory.all().stream().filter(r -> r.state().isDone()).map(Directory.Row::id).toList());
    }

    /** The inspector's view of {@code id}'s last checkpoint (any node's): its row, frames and values. */
    public String describe(String id) {
        return runtime.describe(id);
    }

    /**
     * Every durable tasklet of the cluster with the node it is placed on and its code version, by id;
     * {@code state}, {@code node} and {@code version} filter when not null.
     */
    public List<ClusterTaskletInfo> tasklets(DurableState state, String node, String version) {
        return ClusterOps.tasklets(this, placement, state, node, version);
    }

    /** Closes durable channel {@code name} for the whole cluster (see {@code DurableChannel.close}); true if this call did. */
    public boolean closeChannel(String name) {
        return runtime.closeChannel(name);
    }

    /** Opens closing durable channel {@code name} again; true if it was closing. */
    public boolean openChannel(String name) {
        return runtime.openChannel(name);
    }

    /** Durable channel {@code name} across the cluster: closing, balance, closed. */
    public org.jstackless.durable.DurableChannelInfo channelInfo(String name) {
        return runtime.channelInfo(name);
    }

    /** The unfinished tasklets running on this node now. */
    public List<String> here() {
        return runtime.adopted();
    }

    /**
     * The name of the node running {@code id} now (asks its entity; starts it if nobody runs it);
     * "" if the node its entity lives on cannot run it (version pinning: see {@link #refusals}).
     */
    public String where(String id, Duration timeout) {
        return AskPattern.<Msg, String>ask(sharding.entityRefFor(TASKLET, id), Msg.Where::new, timeout, system.scheduler())
                .toCompletableFuture().orTimeout(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).join();
    }

    /**
     * Moves running durable tasklet {@code id} to node {@code target}: its shard's location is set
     * there, sharding hands it off (this node's runtime releases it at a round's end, at its last
     * committed checkpoint) and the target resumes it from that checkpoint. Returns once it runs there.
     */
    public void migrate(String id, String target, Duration timeout) throws TimeoutException, InterruptedException {
        Address to = null;
        for (Member m : Cluster.get(system).state().getMembers()) {
            if (m.status() == MemberStatus.up() && nameOf(m).orElse("").equals(target)) {
                to = m.address();
            }
        }
        if (to == null) {
            throw new IllegalArgumentException("no Up member named " + target + " (members: " + members() + ")");
        }
        placement.setShardLocation(id, to).toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Directory.Refusal r : directory.refusals()) {
                if (r.id().equals(id) && r.node().equals(target)) {
                    throw new IllegalStateException("node " + target + " cannot run durable tasklet " + id + ": " + r.reason()
                            + "; it stays where its code matches");
                }
            }
            try {
                if (target.equals(where(id, Duration.ofSeconds(2)))) {
                    return;
                }
            } catch (RuntimeException e) {
                // in hand-off: asked again below
            }
            Thread.sleep(100);
        }
        throw new TimeoutException("durable tasklet " + id + " did not move to " + target + " in " + timeout);
    }

    /**
     * Drains this node (the upgrade procedure): it leaves the cluster, so sharding hands every
     * tasklet it runs over to the other nodes (each released at its last checkpoint); returns once
     * it runs none and has left. Then {@link #close} it, upgrade, and start it again.
     */
    public void drain(Duration timeout) throws TimeoutException, InterruptedException {
        Cluster c = Cluster.get(system);
        c.manager().tell(Leave.create(c.selfMember().address()));
        long end = System.nanoTime() + timeout.toNanos();
        while (!(runtime.adopted().isEmpty() && (c.isTerminated() || c.selfMember().status() == MemberStatus.removed()
                || c.selfMember().status() == MemberStatus.exiting()))) {
            if (System.nanoTime() > end) {
                throw new TimeoutException("node " + name + " still runs " + runtime.adopted() + " after " + timeout);
            }
            Thread.sleep(50);
        }
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (Throwable t) {
            if (!closed) { // on stderr too: an operator must see a placement that stopped working
                system.log().warn("placement sweep failed: {}", t.toString());
                System.err.println("jstackless-cluster: placement sweep on " + name + " failed: " + t);
            }
        }
    }

    /**
     * The leader's sweep, every sweep interval, costing messages in proportion to change, not to the
     * number of tasklets (docs/cluster.md, "The leader's sweep"):
     * <ul>
     * <li><b>placement</b> (re-homing), only while the membership or the refusals changed in the
     *     last {@link #SETTLE_MILLIS}, and every {@link #PLACE_EVERY_MILLIS} as a safety net:
     *     unfinished tasklets whose shard has no live location get one (spread over Up members by
     *     hash), and only those are told to run;
     * <li>tasklets whose RUNNABLE row did not advance since the last sweep (a wake that was lost in
     *     a hand-off), SLEEPING rows overdue by {@link #OVERDUE_MILLIS} (nobody holds their timer),
     *     and ids changed through the store from outside the cluster (the {@code _ops} table the
     *     command line writes) are told to run;
     * <li>channels where a sender and a receiver both wait are kicked.
     * </ul>
     * Idle tasklets (sleeping, blocked, suspended, done) cost nothing. With
     * {@code -Djstackless.cluster.sweep=full} it is the former sweep (for comparison): placement,
     * one message to every unfinished tasklet and every channel with waiters, every interval.
     */
    void sweep() throws Exception {
        Cluster c = Cluster.get(system);
        if (closed || c.selfMember().status() != MemberStatus.up() || !c.selfMember().address().equals(c.state().getLeader())) {
            sweepState.forget();
            return;
        }
        List<Address> up = new ArrayList<>();
        Map<Address, Member> members = new HashMap<>();
        Set<Address> unreachable = new java.util.HashSet<>();
        for (Member m : c.state().getUnreachable()) {
            unreachable.add(m.address());
        }
        for (Member m : c.state().getMembers()) {
            members.put(m.address(), m);
            if (m.status() == MemberStatus.up() && !unreachable.contains(m.address())) {
                up.add(m.address());
            }
        }
        if (up.isEmpty()) {
            return;
        }
        up.sort(Comparator.comparing(Address::toString));
        long now = System.currentTimeMillis();
        goneSince.keySet().removeIf(members::containsKey);
        List<Directory.Refusal> refusals = directory.refusals();
        StringBuilder key = new StringBuilder();
        members.values().stream().map(m -> m.address() + " " + m.status() + (unreachable.contains(m.address()) ? " unreachable" : ""))
                .sorted().forEach(x -> key.append(x).append('\n'));
        key.append(refusals);
        boolean full = Sweep.full();
        Set<String> tell = new LinkedHashSet<>();
        Set<String> channels = new LinkedHashSet<>();
        Map<String, Set<String>> refused = new HashMap<>();
        for (Directory.Refusal r : refusals) {
            refused.computeIfAbsent(r.id(), k -> new java.util.HashSet<>()).add(r.node());
        }
        if (full || sweepState.placementDue(key.toString(), now)) {
            place(members, unreachable, up, refused, now, tell, channels, full);
        }
        if (!full) {
            sweepState.changes(directory, now, refused.keySet(), tell, channels);
        } else {
            directory.takeOps(); // the full sweep tells every tasklet anyway
        }
        for (String id : tell) {
            ensure(id);
        }
        for (String ch : channels) {
            sharding.entityRefFor(CHANNEL, ch).tell(new Msg.Kick());
        }
        sweepState.sent(tell.size() + channels.size());
    }

    /** The sweep's placement pass over every unfinished row; adds to {@code tell} the tasklets to run (all of them if {@code full}). */
    private void place(Map<Address, Member> members, Set<Address> unreachable, List<Address> up, Map<String, Set<String>> refused,
            long now, Set<String> tell, Set<String> channels, boolean full) throws Exception {
        Map<Address, String> names = new HashMap<>();
        for (Member m : members.values()) {
            nameOf(m).ifPresent(n -> names.put(m.address(), n));
        }
        List<Directory.Row> rows = directory.unfinished();
        Map<String, ExternalShardAllocationStrategy.ShardLocation> locs = placement.getShardLocations().toCompletableFuture()
                .get(5, TimeUnit.SECONDS).getShardLocations();
        Map<String, Address> fix = new HashMap<>();
        for (Directory.Row r : rows) {
            ExternalShardAllocationStrategy.ShardLocation l = locs.get(r.id());
            Member at = l == null ? null : members.get(l.address());
            // An unreachable owner is left alone until the split-brain resolver downs it, and a
            // removed one for a moment more, until sharding has dropped its region: a rebalance
            // towards a dead region waits for the hand-off timeout. A leaving one is replaced at once.
            boolean gone = l != null && at == null && now - gone(l.address(), now) >= GONE_GRACE_MILLIS;
            boolean leaving = at != null && !unreachable.contains(l.address()) && at.status() != MemberStatus.up();
            Set<String> no = refused.getOrDefault(r.id(), new java.util.HashSet<>()); // (a removed node has no name here)
            boolean refusing = l != null && names.containsKey(l.address()) && no.contains(names.get(l.address()));
            List<Address> ok = no.isEmpty() ? up : up.stream().filter(a -> !no.contains(names.get(a))).toList();
            if (ok.isEmpty()) {
                continue; // no Up node's code matches: it waits, listed by refusals()
            }
            if (l == null || gone || leaving || refusing) {
                fix.put(r.id(), ok.get(Math.floorMod(r.id().hashCode(), ok.size())));
            }
            if (full) {
                tell.add(r.id());
                if (r.state() == DurableState.SENDING || r.state() == DurableState.RECEIVING) {
                    channels.add(r.channel());
                }
            }
        }
        if (!fix.isEmpty()) {
            placement.setShardLocations(fix).toCompletableFuture().get(5, TimeUnit.SECONDS);
            tell.addAll(fix.keySet());
        }
    }

    /** Messages (tells to tasklets and kicks to channels) the sweeps of this node sent so far. */
    long sweepMessages() {
        return sweepState.sent();
    }

    /** Since when (epoch ms) the sweep has seen {@code a} out of the membership. */
    private long gone(Address a, long now) {
        return goneSince.computeIfAbsent(a, k -> now);
    }

    /** Leaves the cluster (handing tasklets over) and closes the runtime and the store. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        try {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the node goes anyway; the others re-home what it ran
        } finally {
            try {
                runtime.close();
            } finally {
                BY_THREAD.remove(threadName);
                directory.close();
                store.close();
            }
        }
    }

    @Override
    public String toString() {
        return "ClusterNode[" + name + "]";
    }
}
