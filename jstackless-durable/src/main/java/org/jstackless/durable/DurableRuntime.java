package org.jstackless.durable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jstackless.Pickler;
import org.jstackless.durable.internal.Engine;
import org.jstackless.durable.internal.Request;
import org.jstackless.durable.internal.Resume;

/**
 * Runs durable tasklets over a {@link DurableStore}: opening it resumes every unfinished durable
 * tasklet from its last checkpoint. The tasklets run on the runtime's own thread (one Stackless
 * scheduler); the methods here may be called from any thread.
 *
 * <pre>
 *   try (DurableRuntime rt = DurableRuntime.open(Path.of("state"), MyJobs.class)) {
 *       rt.start("order-42", () -> MyJobs.fulfil(42));   // no-op if order-42 exists
 *       rt.awaitDone("order-42", Duration.ofMinutes(1));
 *   }
 * </pre>
 *
 * <p>Durable tasklets must be soft: their code woven (jstackless-maven-plugin or the agent), and
 * every class of their frames and of the values they hold across a suspension allowed
 * ({@link Builder#allow}), as for {@link Pickler}.
 */
public final class DurableRuntime implements AutoCloseable {
    private static final Class<?>[] OWN = {Durable.class, DurableChannel.class, Resume.class, Request.Checkpoint.class,
        Request.StepDone.class, Request.Sleep.class, Request.Send.class, Request.Receive.class, Request.Finish.class, Request.Start.class,
        Resume.Cancel.class, Request.Raise.class, Request.Next.class, Request.Close.class};
    private static final String KEY_FILE = "signing.key";

    private final DurableStore store;
    private final boolean ownsStore;
    private final Engine engine;
    private final byte[] key;
    private boolean closed;

    /** Configures a {@link DurableRuntime}. */
    public static final class Builder {
        private final Path dir;
        private final List<Class<?>> allowed = new ArrayList<>();
        private byte[] key;
        private InstantSource clock = InstantSource.system();
        private DurableStore store;
        private boolean fsync = true;
        private long compactAt = 64L << 20;
        private boolean operationsOnly;
        private List<String> code;
        private ClusterHooks hooks;
        private String threadName = "jstackless-durable";

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** Classes that may be in a checkpoint: those of the tasklets' frames, records, enums (as {@link Pickler.Builder#allow}). */
        public Builder allow(Class<?>... classes) {
            allowed.addAll(List.of(classes));
            return this;
        }

        /**
         * The key checkpoints are signed with (HMAC-SHA256, at least 16 bytes). Default, with a
         * directory: a random key kept in the directory's {@code signing.key} (created on first open),
         * which detects damage but not an attacker who can read the directory.
         */
        public Builder signingKey(byte[] key) {
            this.key = key.clone();
            return this;
        }

        /**
         * Limits the code a checkpoint may hold to these packages or classes (as
         * {@link Pickler.Builder#restrictCode}); the durable runtime's own classes are always
         * accepted. Without it, any woven method of the program may be in a checkpoint.
         */
        public Builder restrictCode(String... packagesOrClasses) {
            code = new ArrayList<>(List.of(packagesOrClasses));
            return this;
        }

        /** The clock of durable timers (default the system clock; tests move a fake one). */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Another store than the directory's {@link FileStore}; it stays the caller's to close. */
        public Builder store(DurableStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        /** For the directory's {@link FileStore}: fsync each commit (default true). */
        public Builder fsync(boolean on) {
            fsync = on;
            return this;
        }

        /** For the directory's {@link FileStore}: segment size that triggers compaction (default 64 MiB). */
        public Builder compactAt(long bytes) {
            compactAt = bytes;
            return this;
        }

        /**
         * Opens the store for operations only: {@link #list}, {@link #describe}, {@link #kill},
         * {@link #purge}; nothing is resumed or started (the classes of the tasklets are not needed).
         */
        public Builder operationsOnly() {
            operationsOnly = true;
            return this;
        }

        /**
         * Cluster mode, for {@code jstackless-cluster}: the runtime resumes nothing on its own and
         * runs only what it is given with {@link DurableRuntime#adopt}; see {@link ClusterHooks}.
         */
        public Builder cluster(ClusterHooks hooks) {
            this.hooks = Objects.requireNonNull(hooks, "hooks");
            return this;
        }

        /** The name of the runtime's thread (default {@code jstackless-durable}). */
        public Builder threadName(String name) {
            threadName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Opens the store and resumes its unfinished durable tasklets. */
        public DurableRuntime open() throws IOException {
            if (store == null && dir == null) {
                throw new IllegalStateException("a DurableRuntime needs a directory or a store");
            }
            boolean owns = store == null;
            // The directory's lock is taken first, so that two processes never both create a key.
            DurableStore s = owns ? FileStore.builder(dir).fsync(fsync).compactAt(compactAt).open() : store;
            try {
                byte[] k = key;
                if (k == null) {
                    if (dir == null) {
                        throw new IllegalStateException("a DurableRuntime over a custom store needs signingKey(key)");
                    }
                    k = keyOf(dir);
                }
                List<Class<?>> all = new ArrayList<>(List.of(OWN));
                all.addAll(allowed);
                Pickler.Builder pb = Pickler.builder().allow(all.toArray(Class<?>[]::new)).signingKey(k);
                if (code != null) {
                    List<String> c = new ArrayList<>(code);
                    for (Class<?> own : OWN) {
                        c.add(own.getName());
                    }
                    pb.restrictCode(c.toArray(String[]::new));
                }
                if (hooks != null) {
                    // A cluster node loads a checkpoint again when a tasklet comes back to it (migration,
                    // re-homing) or after checking it can (version pinning); the store's compare-and-set
                    // on the sequence is what keeps a stale copy from advancing.
                    pb.acceptReplays();
                }
                Pickler p = pb.build();
                Engine engine = new Engine(s, p, clock, k, threadName);
                if (operationsOnly) {
                    engine.passive();
                }
                if (hooks != null) {
                    engine.cluster(hooks);
                }
                return new DurableRuntime(s, owns, engine, k);
            } catch (IOException | RuntimeException e) {
                if (owns) {
                    s.close();
                }
                throw e;
            }
        }
    }

    private static byte[] keyOf(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(KEY_FILE);
        if (!Files.exists(f)) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            Path tmp = dir.resolve(KEY_FILE + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp);
            }
            Files.write(tmp, k, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            try (java.nio.channels.FileChannel d = java.nio.channels.FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the key must be as durable as the first checkpoint signed with it
            }
        }
        byte[] k = Files.readAllBytes(f);
        if (k.length < 16) {
            throw new IOException(f + " holds " + k.length + " bytes, not a signing key: restore it from a backup "
                    + "(without it the checkpoints cannot be read)");
        }
        return k;
    }

    /** A builder for the runtime whose store is the directory {@code dir}. */
    public static Builder builder(Path dir) {
        return new Builder(Objects.requireNonNull(dir, "dir"));
    }

    /** A builder for a runtime over another store ({@link Builder#signingKey} required). */
    public static Builder builder(DurableStore store) {
        return new Builder(null).store(store);
    }

    /** Opens the runtime on the directory {@code dir} (created if missing), allowing {@code classes}. */
    public static DurableRuntime open(Path dir, Class<?>... classes) throws IOException {
        return builder(dir).allow(classes).open();
    }

    private DurableRuntime(DurableStore store, boolean ownsStore, Engine engine, byte[] key) throws IOException {
        this.key = key;
        this.store = store;
        this.ownsStore = ownsStore;
        this.engine = engine;
        engine.start();
    }

    /**
     * Starts durable tasklet {@code id} running {@code body}, unless a tasklet with that id exists
     * (running, finished or failed, until purged): then nothing happens. Returns once the start is
     * committed: true if this call started it.
     */
    public boolean start(String id, DurableBody<?> body) {
        Objects.requireNonNull(body, "body");
        return get(engine.startTasklets(java.util.Map.of(id, Durable.body(body)))) == 1;
    }

    /**
     * Starts, in one commit, each durable tasklet of {@code bodies} (id to body) whose id does not
     * exist; returns how many it started. If one body does not pickle, none is started.
     */
    public int startAll(java.util.Map<String, ? extends DurableBody<?>> bodies) {
        java.util.Map<String, org.jstackless.TaskletBody> tb = new java.util.LinkedHashMap<>();
        bodies.forEach((id, b) -> tb.put(Objects.requireNonNull(id, "id"), Durable.body(Objects.requireNonNull(b, "body"))));
        return get(engine.startTasklets(tb));
    }

    /** The tasklet {@code id}, if the store holds it. */
    public Optional<DurableInfo> info(String id) {
        return Optional.ofNullable(get(engine.info(id)));
    }

    /** Every durable tasklet, by id. */
    public List<DurableInfo> list() {
        return get(engine.list());
    }

    /** Waits until {@code id} is FINISHED or FAILED (committed). */
    public DurableInfo awaitDone(String id, Duration timeout) throws TimeoutException, InterruptedException {
        if (engine.isEngineThread()) {
            throw new IllegalStateException("a durable tasklet cannot wait for another with awaitDone: receive its "
                    + "result on a durable channel instead");
        }
        try {
            return engine.whenDone(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    /** The result of finished {@code id}; for a failed one, an {@link IllegalStateException} with its error. */
    @SuppressWarnings("unchecked")
    public <T> T result(String id) {
        return (T) get(engine.result(id));
    }

    /** The inspector's view of {@code id}'s last checkpoint: its row, then its frames (class.method(file:line)) and values. */
    public String describe(String id) {
        return get(engine.describe(id, key));
    }

    /**
     * Cancels {@code id}: committed first (a crash does not undo it), then its suspending call raises
     * {@link org.jstackless.TaskletExit}, so its {@code finally} blocks run; it then ends FAILED with
     * detail {@link Durable#CANCELLED}. A finally block cannot checkpoint while the TaskletExit is in
     * flight (the exception is in its frame and does not pickle: the durable call throws a
     * NotPicklableException, and the tasklet ends FAILED with that text). A value it had received but
     * not yet acted on is dropped with it. False if it is done or unknown.
     */
    public boolean cancel(String id) {
        return retried(() -> engine.cancel(id));
    }

    /**
     * Kills {@code id}: ends it FAILED with detail "killed" at once, running nothing of it (no
     * {@code finally}); for a tasklet this program cannot load, or a cancel that does not end.
     * False if it is done or unknown. In cluster mode it works from any node: a tasklet running on
     * another one is killed in the store (fenced), and that node's copy is refused at its next commit.
     */
    public boolean kill(String id) {
        return retried(() -> engine.kill(id));
    }

    /**
     * An operation on another node's tasklet (cluster mode) is a compare-and-set on its row, which
     * loses when that node commits first: read again and retry (bounded; each loss means the owner
     * advanced).
     */
    private boolean retried(java.util.function.Supplier<CompletableFuture<Boolean>> op) {
        for (int i = 0;; i++) {
            try {
                return get(op.get());
            } catch (StaleCheckpointException e) {
                if (i >= 50) {
                    throw e;
                }
            }
        }
    }

    /**
     * Suspends runnable {@code id}: at a round's end it stops, its last checkpoint committed again
     * as {@link DurableState#SUSPENDED}; nothing of it runs, across restarts, until {@link #resume}.
     * In cluster mode it works from any node. False unless it is RUNNABLE (a sleeping or blocked
     * tasklet runs nothing anyway).
     */
    public boolean suspend(String id) {
        return retried(() -> engine.suspend(id));
    }

    /** Resumes suspended {@code id} from its last checkpoint; false unless it is SUSPENDED. */
    public boolean resume(String id) {
        return retried(() -> engine.resumeSuspended(id));
    }

    /** Deletes finished or failed {@code id} from the store (its id may then be started again); false if not done. */
    public boolean purge(String id) {
        return retried(() -> engine.purge(id));
    }

    /**
     * Deletes, in one commit, every finished or failed durable tasklet this runtime knows (in cluster
     * mode: those it ran; a cluster node purges all with {@code ClusterNode.purgeFinished()}); how many.
     */
    public int purgeFinished() {
        return get(engine.purgeAll(null));
    }

    /** Deletes, in one commit, each of {@code ids} that is finished or failed (cluster mode: any node's); how many. */
    public int purgeAll(java.util.Collection<String> ids) {
        List<String> copy = List.copyOf(ids);
        for (int i = 0;; i++) {
            try {
                return get(engine.purgeAll(copy));
            } catch (StaleCheckpointException e) {
                if (i >= 50) {
                    throw e;
                }
            }
        }
    }

    /**
     * The code version of {@code id}'s last checkpoint: 12 hex digits over the fingerprints of the
     * methods its frames run (equal versions need the same code; see version pinning), "" if it holds
     * no frame (killed).
     */
    public String version(String id) {
        return org.jstackless.durable.internal.Versions.of(describe(id));
    }

    /**
     * Closes durable channel {@code name} (Stackless's {@code close()}; see {@link DurableChannel#close}),
     * committed: it survives crashes and restarts, and in cluster mode every node sees it. True if
     * this call closed it (false: it was closing already).
     */
    public boolean closeChannel(String name) {
        new DurableChannel<>(name);
        return retried(() -> engine.closeChannel(name, false));
    }

    /** Opens closing durable channel {@code name} again (Stackless's {@code open()}); true if it was closing. */
    public boolean openChannel(String name) {
        new DurableChannel<>(name);
        return retried(() -> engine.closeChannel(name, true));
    }

    /** Durable channel {@code name} as committed: closing, balance, closed. */
    public DurableChannelInfo channelInfo(String name) {
        new DurableChannel<>(name);
        return get(engine.channelInfo(name));
    }

    /** Cluster mode: runs {@code id} here from its last checkpoint (no-op if here); true if it is unfinished. */
    public boolean adopt(String id) {
        return get(engine.adopt(id));
    }

    /** Cluster mode: stops running {@code id} here; its last committed checkpoint is where its next owner resumes it. */
    public boolean release(String id) {
        return get(engine.release(id));
    }

    /** Cluster mode: reloads {@code id} if another node's rendezvous made it runnable (adopts it if not here). */
    public boolean wake(String id) {
        return get(engine.wake(id));
    }

    /**
     * Cluster mode: another node's rendezvous committed {@code row}, the next checkpoint of a tasklet
     * blocked here ({@link ClusterHooks#matched(String, Checkpoint)}): it runs from that row without a
     * read of the store if it is still blocked here just before it, else as {@link #wake}.
     * Asynchronous: for callers that must not block (actors).
     */
    public void woken(Checkpoint row) {
        engine.woken(row);
    }

    /** Cluster mode: the unfinished tasklets running here. */
    public List<String> adopted() {
        return get(engine.adopted());
    }

    /**
     * Cluster mode: commits the rendezvous of blocked sender {@code senderId} and receiver
     * {@code receiverId} on durable channel {@code channel}, wherever they run (both rows in one
     * fenced commit); false if either is no longer blocked there. Asynchronous: for callers that must
     * not block (actors).
     */
    public CompletableFuture<Boolean> match(String channel, String senderId, String receiverId) {
        return engine.match(channel, senderId, receiverId);
    }

    /** The store. */
    public DurableStore store() {
        return store;
    }

    /** Stops running durable tasklets (they stay in the store, at their last checkpoint) and closes the directory's store. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            engine.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ownsStore) {
                store.close();
            }
        }
    }

    private <T> T get(CompletableFuture<T> f) {
        if (engine.isEngineThread()) {
            throw new IllegalStateException("a durable tasklet cannot call DurableRuntime methods: they wait for its "
                    + "own runtime; use Durable.start(id, body) to start another durable tasklet");
        }
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException r) {
            return r;
        }
        return new IllegalStateException(c.toString(), c);
    }
}
