package org.jstackless.durable.internal;

import java.io.IOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.TaskletBody;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.ClusterHooks;
import org.jstackless.durable.StaleCheckpointException;
import org.jstackless.durable.DurableInfo;
import org.jstackless.durable.DurableState;
import org.jstackless.durable.DurableStore;

/**
 * The durable runtime's thread: runs the durable tasklets on its own Stackless scheduler and owns
 * all durable state in memory (one owner: everything below is touched only on that thread; other
 * threads hand it commands).
 *
 * <p>One iteration is a <em>round</em>: run every runnable durable tasklet until each has suspended
 * with a {@link Request}; turn the requests into rows (checkpoints) and matching (rendezvous,
 * timers) into a batch; commit the batch to the store as ONE commit (atomic, one fsync: group
 * commit); only then resume the tasklets the batch answers. Nothing a request causes is visible to
 * another tasklet, or to a caller, before its commit, so a crash loses only uncommitted work, which
 * resumes from the previous checkpoint.
 *
 * <p>Invariants: {@code byTasklet} maps exactly the in-memory durable tasklets to their entries;
 * an entry's {@code seq} is its last committed one; a channel's waiting queue holds only SENDING or
 * only RECEIVING entries, in the order they blocked; a SLEEPING entry holds no tasklet; {@code closing} is exactly the channel marks (ChannelMarks)
 * committed to the store (one node; in cluster mode the store is read instead).
 *
 * <p>Two helpers do part of the work on this same state, on this thread, owning none of it:
 * {@link Operations} (what other threads ask of one tasklet: cancel, suspend, resume, kill, purge,
 * describe) and {@link ClusterMeets} (cluster mode's rendezvous across nodes). The fields they
 * touch are package-private for them only.
 */
public final class Engine {
    private static final ThreadLocal<Engine> CURRENT = new ThreadLocal<>();
    static final byte[] NONE = new byte[0];
    /** Longest wait for a command while nothing runs, so a clock moved under us is seen soon. */
    private static final long IDLE_MILLIS = 100;

    final DurableStore store;
    final Pickler pickler;
    private final InstantSource clock;
    final RowSeal seal;
    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread thread;
    private volatile Throwable failure;
    /** Callers' futures not completed yet: failed when the engine ends. */
    private final java.util.Set<CompletableFuture<?>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The operations other threads ask for (cancel, suspend, resume, kill, purge, describe): Operations. */
    private final Operations ops = new Operations(this);
    /** Cluster mode's rendezvous across nodes (match, meet, settle, abandon, pair checks): ClusterMeets. */
    private final ClusterMeets crossNode = new ClusterMeets(this);

    // Engine thread only.
    final Map<String, Entry> entries = new HashMap<>();
    final Map<Tasklet, Entry> byTasklet = new IdentityHashMap<>();
    final List<Entry> suspended = new ArrayList<>();
    private final Map<String, ArrayDeque<Entry>> waiting = new HashMap<>();
    private final PriorityQueue<Entry> timers = new PriorityQueue<>(
            Comparator.comparingLong((Entry e) -> e.wakeAt).thenComparing(e -> e.id));
    final LinkedHashMap<String, Checkpoint> batch = new LinkedHashMap<>();
    final List<Runnable> afterCommit = new ArrayList<>();
    private final Map<String, List<CompletableFuture<DurableInfo>>> doneWaiters = new HashMap<>();
    /** One node (not cluster mode): the closing channels and their marks' seq, as committed (ChannelMarks). */
    private final Map<String, Long> closing = new HashMap<>();
    /** Opened for operations only: nothing is loaded, run or started. */
    volatile boolean passive;
    /** Cluster mode (null: one node owns the whole store): see {@link ClusterHooks}. */
    ClusterHooks hooks;
    /** Callers' futures that a refused (stale) commit must fail; cleared by each commit. */
    final List<CompletableFuture<?>> inBatch = new ArrayList<>();
    /**
     * Cluster mode, this round: meets staged in the handle phase whose arriving tasklets run on to
     * their next request before the meet commits (see {@link ClusterMeets#meet}); the partners they took
     * ({@code claimed}), which no other meet of this node may take before they commit; and the
     * arriving tasklets running on ({@code continuing}), which block at their next channel
     * operation rather than meet again.
     */
    final List<ClusterMeets.Meet> meets = new ArrayList<>();
    final java.util.Set<String> claimed = new java.util.HashSet<>();
    final java.util.Set<Entry> continuing = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    /** Cluster mode: checks of channels a tasklet blocked on, due at {@code at} (System.nanoTime), earliest first. */
    final PriorityQueue<ClusterMeets.Later> later = new PriorityQueue<>(Comparator.comparingLong(ClusterMeets.Later::at));
    /**
     * How long after a blocked commit its channel is checked for a pair, if the tasklet still waits
     * at that row: long enough that a partner that takes it at once (a ping-pong hop) makes the
     * check (a query) unneeded, short enough to pair two tasklets that blocked at the same time soon.
     */
    static final long PAIR_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    int inserted;
    private boolean stopping;
    long rounds;

    /** One durable tasklet. */
    static final class Entry {
        final String id;
        long seq;
        DurableState state;
        long wakeAt;
        String channel = "";
        String detail = "";
        /** In memory: runnable, running or blocked on a channel; null when sleeping, done or unloadable. */
        Tasklet tasklet;

        Entry(String id) {
            this.id = id;
        }

        /** The entry of checkpoint {@code c}, as committed (no tasklet yet). */
        Entry(Checkpoint c) {
            this(c.id());
            take(c);
        }

        /** Takes what committed checkpoint {@code c} (of this id) says; the tasklet stays. */
        void take(Checkpoint c) {
            seq = c.seq();
            state = c.state();
            wakeAt = c.wakeAt();
            channel = c.channel();
            detail = c.detail();
        }
    }

    /** An engine over {@code store}, sealing rows with {@code key}; {@link #start} runs it. */
    public Engine(DurableStore store, Pickler pickler, InstantSource clock, byte[] key) {
        this(store, pickler, clock, key, "jstackless-durable");
    }

    /** The same, its thread named {@code threadName}. */
    public Engine(DurableStore store, Pickler pickler, InstantSource clock, byte[] key, String threadName) {
        this.store = store;
        this.pickler = pickler;
        this.clock = clock;
        this.seal = new RowSeal(key);
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::main);
    }

    // ---------------------------------------------------------------- from durable tasklets

    /** The engine of the calling durable tasklet; throws, naming {@code what}, elsewhere. */
    public static Engine require(String what) {
        Engine e = CURRENT.get();
        if (e == null || !e.byTasklet.containsKey(Stackless.current())) {
            throw new IllegalStateException(what + " is only for durable tasklets: start the tasklet with "
                    + "DurableRuntime.start(id, body)");
        }
        return e;
    }

    /** Makes this engine passive (before {@link #start}): it recovers the rows and runs nothing. */
    public void passive() {
        passive = true;
    }

    /** Puts this engine in cluster mode (before {@link #start}): see {@link ClusterHooks}. */
    public void cluster(ClusterHooks h) {
        hooks = h;
    }

    /** The calling durable tasklet is about to suspend with a request. */
    public void suspending(Tasklet t) {
        suspended.add(byTasklet.get(t));
    }

    /** The id of durable tasklet {@code t}. */
    public String idOf(Tasklet t) {
        Entry e = byTasklet.get(t);
        if (e == null) {
            throw new IllegalStateException(t + " is not a durable tasklet");
        }
        return e.id;
    }

    // ---------------------------------------------------------------- from other threads

    /** Starts the thread and waits until recovery is done; rethrows its failure. */
    public void start() throws IOException {
        thread.start();
        try {
            ready.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("the durable runtime failed to start: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the durable runtime recovered", e);
        }
    }

    /** Runs {@code f} on the engine thread; its future. */
    public <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        open.add(out);
        out.whenComplete((v, e) -> open.remove(out));
        Throwable bad = failure;
        if (bad != null || stopped.isDone()) {
            out.completeExceptionally(new IllegalStateException("the durable runtime is "
                    + (bad != null ? "failed: " + bad : "closed"), bad));
            return out;
        }
        commands.add(() -> {
            try {
                f.get().whenComplete((v, e) -> {
                    if (e != null) {
                        out.completeExceptionally(e);
                    } else {
                        out.complete(v);
                    }
                });
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        if (stopped.isDone()) { // raced with the end: nobody runs the command
            out.completeExceptionally(new IllegalStateException("the durable runtime is closed"));
        }
        return out;
    }

    /**
     * Starts each durable tasklet of {@code bodies} (id to body) whose id does not exist, all in one
     * commit; the number started. A body that does not pickle refuses the whole call, nothing kept.
     */
    public CompletableFuture<Integer> startTasklets(Map<String, TaskletBody> bodies) {
        return submit(() -> {
            if (passive) {
                throw new IllegalStateException("this DurableRuntime was opened for operations only: it starts nothing");
            }
            Map<Entry, byte[]> fresh = new LinkedHashMap<>();
            try {
                for (Map.Entry<String, TaskletBody> b : bodies.entrySet()) {
                    String id = b.getKey();
                    ChannelMarks.checkTaskletId(id);
                    if (exists(id)) {
                        continue;
                    }
                    new Checkpoint(id, 1, DurableState.RUNNABLE, 0, "", "", NONE, 0); // checks the id
                    Tasklet t = new Tasklet(b.getValue());
                    t.setup();
                    t.remove();
                    Entry e = new Entry(id);
                    e.state = DurableState.RUNNABLE;
                    e.tasklet = t;
                    fresh.put(e, pickler.dumps(t)); // a body that does not pickle is refused here
                }
            } catch (RuntimeException ex) {
                return CompletableFuture.failedFuture(ex);
            }
            if (fresh.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            CompletableFuture<Integer> f = new CompletableFuture<>();
            if (hooks != null) { // created in the store only: the placement layer picks where it runs
                fresh.forEach((e, p) -> batch.put(e.id, seal.row(e.id, 1, DurableState.RUNNABLE, 0, "", "", p)));
                inBatch.add(f);
                afterCommit.add(() -> {
                    fresh.keySet().forEach(e -> hooks.created(e.id));
                    f.complete(fresh.size());
                });
                return f;
            }
            fresh.forEach((e, p) -> {
                entries.put(e.id, e);
                byTasklet.put(e.tasklet, e);
                batch.put(e.id, seal.row(e.id, 1, DurableState.RUNNABLE, 0, "", "", p));
            });
            afterCommit.add(() -> {
                fresh.keySet().forEach(this::insert);
                f.complete(fresh.size());
            });
            return f;
        });
    }

    /** The info of {@code id}, or null. */
    public CompletableFuture<DurableInfo> info(String id) {
        return submit(() -> CompletableFuture.completedFuture(entries.containsKey(id) ? infoOf(entries.get(id)) : null));
    }

    /** Every durable tasklet, by id. */
    public CompletableFuture<List<DurableInfo>> list() {
        return submit(() -> CompletableFuture.completedFuture(
                entries.values().stream().map(Engine::infoOf).sorted(Comparator.comparing(DurableInfo::id)).toList()));
    }

    /** Completes when {@code id} is FINISHED or FAILED (committed). */
    public CompletableFuture<DurableInfo> whenDone(String id) {
        return submit(() -> {
            Entry e = entries.get(id);
            if (e == null) {
                throw new IllegalArgumentException("no durable tasklet '" + id + "'");
            }
            if (e.state.isDone() && !batch.containsKey(id)) {
                return CompletableFuture.completedFuture(infoOf(e));
            }
            CompletableFuture<DurableInfo> f = new CompletableFuture<>();
            doneWaiters.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
            return f;
        });
    }

    /** The result of finished {@code id} (loaded from its last checkpoint). */
    public CompletableFuture<Object> result(String id) {
        return submit(() -> {
            Entry e = entries.get(id);
            if (e == null && hooks != null) { // cluster mode: it may have finished on another node
                Checkpoint c = store.row(id);
                if (c != null) {
                    e = new Entry(id);
                    e.state = c.state();
                    e.detail = c.detail();
                }
            }
            if (e == null) {
                throw new IllegalArgumentException("no durable tasklet '" + id + "'");
            }
            if (e.state == DurableState.FAILED) {
                throw new IllegalStateException("durable tasklet '" + id + "' failed: " + e.detail);
            }
            if (e.state != DurableState.FINISHED || batch.containsKey(id)) {
                throw new IllegalStateException("durable tasklet '" + id + "' has not finished (" + e.state + ")");
            }
            // The finished tasklet's pickle holds its Finish request; the copy loaded here never runs.
            Tasklet copy = pickler.loads(seal.open(store.row(id)));
            return CompletableFuture.completedFuture(((Request.Finish) copy.tempval()).result());
        });
    }

    /** What the last checkpoint of {@code id} holds: its frames and values (the pickle inspector's text). */
    public CompletableFuture<String> describe(String id, byte[] key) {
        return ops.describe(id, key);
    }

    /**
     * Cancels live {@code id} (see DurableRuntime.cancel); false if done or unknown. In memory when
     * this engine runs it; otherwise through the store: its last checkpoint is committed again as
     * RUNNABLE with detail {@link org.jstackless.durable.Durable#CANCELLING} (fenced), and whoever
     * loads it next raises TaskletExit in it (here at once if this engine can load it).
     */
    public CompletableFuture<Boolean> cancel(String id) {
        return ops.cancel(id);
    }

    /**
     * Suspends runnable {@code id} (see DurableRuntime.suspend): at a round's end, it is dropped from
     * memory and its last checkpoint is committed again as SUSPENDED. In cluster mode, from any node
     * (fenced in the store: the node running it is refused at its next commit). False unless it is
     * RUNNABLE.
     */
    public CompletableFuture<Boolean> suspend(String id) {
        return ops.suspend(id);
    }

    /** Resumes suspended {@code id} (see DurableRuntime.resume); false unless it is SUSPENDED. */
    public CompletableFuture<Boolean> resumeSuspended(String id) {
        return ops.resumeSuspended(id);
    }

    /** Kills live {@code id} (see DurableRuntime.kill); false if done or unknown. */
    public CompletableFuture<Boolean> kill(String id) {
        return ops.kill(id);
    }

    /** Deletes finished or failed {@code id} from the store; false if it is not done. */
    public CompletableFuture<Boolean> purge(String id) {
        return ops.purge(id);
    }

    /**
     * Deletes, in one commit, each of {@code ids} that is finished or failed (null: every finished
     * or failed tasklet this engine knows); how many. Cluster mode: any node's, by their rows in the
     * store (fenced: a concurrent change refuses the whole commit; read again and retry).
     */
    public CompletableFuture<Integer> purgeAll(java.util.Collection<String> ids) {
        return ops.purgeAll(ids);
    }

    /** Whether tasklet {@code id} exists (until purged); cluster mode: in the store, whichever node ran it. */
    private boolean exists(String id) {
        Entry e = entries.get(id);
        if (e != null && hooks != null && e.state.isDone() && !batch.containsKey(id) && store.row(id) == null) {
            entries.remove(id); // purged from another node
            e = null;
        }
        return e != null || hooks != null && (batch.containsKey(id) || store.row(id) != null);
    }

    void unwait(Entry e) {
        if (e.state == DurableState.SLEEPING) {
            timers.remove(e); // its wake-up time may change again: no stale heap entry may keep the old one
        }
        ArrayDeque<Entry> q = waiting.get(e.channel);
        if (q != null && q.remove(e) && q.isEmpty()) {
            waiting.remove(e.channel);
        }
        e.channel = "";
    }

    void completeDone(Entry e) {
        List<CompletableFuture<DurableInfo>> ws = doneWaiters.remove(e.id);
        if (ws != null) {
            DurableInfo info = infoOf(e);
            ws.forEach(w -> w.complete(info));
        }
    }

    /** Stops the thread after the current round; in-memory tasklets are dropped (their checkpoints stay). */
    public void stop() throws InterruptedException {
        commands.add(() -> stopping = true);
        thread.join();
    }

    /** The failure that stopped the engine, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Rounds run so far (for tests and benchmarks). */
    public long rounds() {
        return rounds;
    }

    // ---------------------------------------------------------------- the engine thread

    private void main() {
        try {
            Stackless.runAsMain(this::loop);
        } catch (Throwable t) {
            failure = t;
            ready.completeExceptionally(t);
        } finally {
            stopped.complete(null);
            RuntimeException closed = new IllegalStateException("the durable runtime is "
                    + (failure != null ? "failed: " + failure : "closed"), failure);
            commands.clear(); // nothing runs or commits any more: their callers' futures fail below
            for (CompletableFuture<?> f : List.copyOf(open)) {
                f.completeExceptionally(closed);
            }
        }
    }

    private void loop() throws Suspendable, IOException, InterruptedException {
        CURRENT.set(this);
        try {
            recover();
            ready.complete(null);
            while (true) {
                for (Runnable c; (c = commands.poll()) != null;) {
                    c.run();
                }
                if (stopping) {
                    return;
                }
                if (inserted > 0) {
                    inserted = 0;
                    rounds++;
                    Stackless.run();
                }
                for (Entry e : suspended) {
                    handle(e);
                }
                suspended.clear();
                while (!meets.isEmpty()) {
                    crossNode.settleMeets();
                }
                claimed.clear();
                commit();
                fireTimers();
                crossNode.runLater();
                if (inserted == 0 && batch.isEmpty() && afterCommit.isEmpty()) {
                    long wait = IDLE_MILLIS;
                    if (!later.isEmpty()) {
                        wait = Math.max(1, Math.min(wait, TimeUnit.NANOSECONDS.toMillis(later.peek().at() - System.nanoTime()) + 1));
                    }
                    Entry next = timers.peek();
                    if (next != null) {
                        wait = Math.max(1, Math.min(wait, next.wakeAt - clock.millis()));
                    }
                    Runnable c = commands.poll(wait, TimeUnit.MILLISECONDS);
                    if (c != null) {
                        c.run();
                    }
                }
            }
        } finally {
            CURRENT.remove();
        }
    }

    private void recover() {
        if (hooks != null) {
            return; // a cluster engine runs only what it adopts
        }
        List<Checkpoint> rows = new ArrayList<>(store.rows());
        rows.sort(Comparator.comparingLong(Checkpoint::txn).thenComparing(Checkpoint::id));
        for (Checkpoint c : rows) {
            if (ChannelMarks.isMark(c.id())) {
                closing.put(c.channel(), c.seq());
                continue;
            }
            Entry e = new Entry(c);
            entries.put(e.id, e);
            if (passive) {
                continue;
            }
            switch (c.state()) {
                case RUNNABLE -> {
                    if (load(e, c)) {
                        insert(e);
                    }
                }
                case SENDING, RECEIVING -> {
                    if (load(e, c)) {
                        waiting.computeIfAbsent(e.channel, k -> new ArrayDeque<>()).addLast(e);
                    }
                }
                case SLEEPING -> timers.add(e);
                default -> {
                } // done or SUSPENDED: kept, not run
            }
        }
    }

    /** Loads {@code e}'s tasklet from its row; false (and the reason in its detail) if this program cannot. */
    boolean load(Entry e, Checkpoint row) {
        try {
            Tasklet t = pickler.loads(seal.open(row));
            if (row.state() == DurableState.RUNNABLE && org.jstackless.durable.Durable.CANCELLING.equals(row.detail())) {
                t.setTempval(Resume.cancel()); // cancelled through the store: its suspending call raises TaskletExit
            }
            e.tasklet = t;
            byTasklet.put(t, e);
            return true;
        } catch (NotPicklableException ex) {
            e.detail = "cannot resume in this program: " + ex.getMessage();
            return false;
        }
    }

    void insert(Entry e) {
        e.tasklet.insert();
        inserted++;
    }

    private static DurableInfo infoOf(Entry e) {
        return new DurableInfo(e.id, e.state, e.seq, e.channel,
                e.state == DurableState.SLEEPING ? Instant.ofEpochMilli(e.wakeAt) : null, e.detail);
    }

    void handle(Entry e) {
        Object req = e.tasklet.tempval();
        switch (req) {
            case Request.Checkpoint c -> resume(e, null);
            case Request.StepDone s -> resume(e, s.result());
            case Request.Sleep s -> sleep(e, s.millis());
            case Request.Send s -> send(e, s.channel(), s.value());
            case Request.Receive r -> receive(e, r.channel());
            case Request.Next n -> next(e, n.channel());
            case Request.Close c -> closeFrom(e, c.channel(), c.open());
            case Request.Finish f -> finish(e, f);
            case Request.Start st -> startChild(e, st);
            default -> throw new IllegalStateException("durable tasklet " + e.id + " suspended with " + req);
        }
    }

    /** Checkpoints {@code e} as runnable, answering {@code value}, and resumes it after the commit. */
    private void resume(Entry e, Object value) {
        Object old = e.tasklet.tempval();
        e.tasklet.setTempval(Resume.of(value));
        NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            e.tasklet.setTempval(old);
            refuse(e, bad);
            return;
        }
        e.state = DurableState.RUNNABLE;
        afterCommit.add(() -> insert(e));
    }

    /** Stages child {@code st.id()} and the parent's checkpoint in the same commit. */
    private void startChild(Entry e, Request.Start st) {
        if (exists(st.id())) {
            resume(e, false);
            return;
        }
        Tasklet t = new Tasklet(st.body());
        t.setup();
        t.remove();
        byte[] p;
        try {
            p = pickler.dumps(t);
        } catch (NotPicklableException ex) {
            refuse(e, ex);
            return;
        }
        if (hooks != null) { // the child is created in the store; the placement layer runs it
            batch.put(st.id(), seal.row(st.id(), 1, DurableState.RUNNABLE, 0, "", "", p));
            Object old = e.tasklet.tempval();
            e.tasklet.setTempval(Resume.of(true));
            NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
            if (bad != null) {
                batch.remove(st.id());
                e.tasklet.setTempval(old);
                refuse(e, bad);
                return;
            }
            e.state = DurableState.RUNNABLE;
            afterCommit.add(() -> {
                hooks.created(st.id());
                insert(e);
            });
            return;
        }
        Entry c = new Entry(st.id());
        c.state = DurableState.RUNNABLE;
        c.tasklet = t;
        entries.put(c.id, c);
        byTasklet.put(t, c);
        batch.put(c.id, seal.row(c.id, 1, DurableState.RUNNABLE, 0, "", "", p));
        Object old = e.tasklet.tempval();
        e.tasklet.setTempval(Resume.of(true));
        NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            batch.remove(c.id);
            entries.remove(c.id);
            byTasklet.remove(t);
            e.tasklet.setTempval(old);
            refuse(e, bad);
            return;
        }
        e.state = DurableState.RUNNABLE;
        afterCommit.add(() -> {
            insert(c);
            insert(e);
        });
    }

    /** True on the engine's own thread (where blocking on the engine would never end). */
    public boolean isEngineThread() {
        return Thread.currentThread() == thread;
    }

    private void sleep(Entry e, long millis) {
        if (millis <= 0) {
            resume(e, null);
            return;
        }
        long until = clock.millis() + millis;
        NotPicklableException bad = stage(e, DurableState.SLEEPING, until, "", "");
        if (bad != null) {
            refuse(e, bad);
            return;
        }
        e.state = DurableState.SLEEPING;
        e.wakeAt = until;
        byTasklet.remove(e.tasklet);
        e.tasklet = null; // holds nothing until it wakes: the store has it
        afterCommit.add(() -> timers.add(e));
    }

    private void send(Entry e, String ch, Object value) {
        if (hooks != null) { // across nodes the channel's owner matches rows in the store
            if (!crossNode.meet(e, DurableState.SENDING, ch) && !refusedClosing(e, ch)) {
                block(e, DurableState.SENDING, ch);
            }
            return;
        }
        ArrayDeque<Entry> q = waiting.get(ch);
        Entry r = q != null && !q.isEmpty() && q.peekFirst().state == DurableState.RECEIVING ? q.peekFirst() : null;
        if (r == null) {
            if (!refusedClosing(e, ch)) {
                block(e, DurableState.SENDING, ch);
            }
            return;
        }
        rendezvous(e, r, e, value, ch, q);
    }

    private void receive(Entry e, String ch) {
        if (hooks != null) {
            if (!crossNode.meet(e, DurableState.RECEIVING, ch) && !refusedClosing(e, ch)) {
                block(e, DurableState.RECEIVING, ch);
            }
            return;
        }
        ArrayDeque<Entry> q = waiting.get(ch);
        Entry s = q != null && !q.isEmpty() && q.peekFirst().state == DurableState.SENDING ? q.peekFirst() : null;
        if (s == null) {
            if (!refusedClosing(e, ch)) {
                block(e, DurableState.RECEIVING, ch);
            }
            return;
        }
        rendezvous(e, e, s, ((Request.Send) s.tasklet.tempval()).value(), ch, q);
    }

    /**
     * The local rendezvous of {@code receiver} and {@code sender} on {@code ch}, one of which is the
     * arriving {@code e} and the other the head of {@code q}: the receiver's checkpoint holds the
     * value and both rows go into the same commit, or neither is staged and {@code e} is refused
     * (the waiting partner stays as it was).
     */
    private void rendezvous(Entry e, Entry receiver, Entry sender, Object value, String ch, ArrayDeque<Entry> q) {
        Object rOld = receiver.tasklet.tempval();
        Checkpoint rPrev = batch.get(receiver.id);
        receiver.tasklet.setTempval(Resume.of(value));
        NotPicklableException bad = stage(receiver, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            receiver.tasklet.setTempval(rOld);
            refuse(e, e == sender ? new NotPicklableException("the value sent on durable channel '" + ch
                    + "' does not pickle: " + bad.getMessage(), bad) : bad);
            return;
        }
        Object sOld = sender.tasklet.tempval();
        sender.tasklet.setTempval(Resume.of(null));
        bad = stage(sender, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) { // for a waiting sender: only if its state changed; it stays blocked
            sender.tasklet.setTempval(sOld);
            receiver.tasklet.setTempval(rOld);
            unstage(receiver.id, rPrev);
            refuse(e, bad);
            return;
        }
        poll(q, ch);
        matched(receiver, sender);
    }

    /** Takes the head waiter of channel {@code ch}; forgets the channel when nobody waits (names may be one-off). */
    private void poll(ArrayDeque<Entry> q, String ch) {
        q.pollFirst();
        if (q.isEmpty()) {
            waiting.remove(ch);
        }
    }

    /** A rendezvous staged: both runnable after the commit, the receiver first. */
    private void matched(Entry receiver, Entry sender) {
        for (Entry x : List.of(receiver, sender)) {
            x.state = DurableState.RUNNABLE;
            x.channel = "";
        }
        afterCommit.add(() -> {
            insert(receiver);
            insert(sender);
        });
    }

    private void block(Entry e, DurableState st, String ch) {
        NotPicklableException bad = stage(e, st, 0, ch, "");
        if (bad != null) {
            refuse(e, bad);
            return;
        }
        e.state = st;
        e.channel = ch;
        if (hooks != null) { // the store holds it until the channel's owner matches it: nothing in memory
            byTasklet.remove(e.tasklet);
            e.tasklet = null;
            afterCommit.add(() -> crossNode.pairLater(e));
            return;
        }
        waiting.computeIfAbsent(ch, k -> new ArrayDeque<>()).addLast(e);
    }

    private void finish(Entry e, Request.Finish f) {
        DurableState st = f.error() == null ? DurableState.FINISHED : DurableState.FAILED;
        String detail = f.error() == null ? "" : f.error();
        byte[] p;
        try {
            p = pickler.dumps(e.tasklet);
        } catch (NotPicklableException ex) {
            st = DurableState.FAILED;
            detail = "its result does not pickle: " + ex.getMessage();
            p = NONE;
        }
        batch.put(e.id, seal.row(e.id, e.seq + 1, st, 0, "", detail, p));
        e.state = st;
        e.detail = detail;
        Tasklet t = e.tasklet;
        byTasklet.remove(t);
        e.tasklet = null;
        afterCommit.add(() -> {
            t.setTempval(Resume.of(null)); // let the body's wrapper return: the tasklet ends
            t.insert();
            inserted++;
            completeDone(e);
        });
    }

    /** Pickles {@code e}'s tasklet into the batch; the refusal, or null. */
    NotPicklableException stage(Entry e, DurableState st, long wakeAt, String ch, String detail) {
        byte[] p;
        try {
            p = pickler.dumps(e.tasklet);
        } catch (NotPicklableException ex) {
            return ex;
        }
        batch.put(e.id, seal.row(e.id, e.seq + 1, st, wakeAt, ch, detail, p));
        return null;
    }

    private void unstage(String id, Checkpoint prev) {
        if (prev == null) {
            batch.remove(id);
        } else {
            batch.put(id, prev);
        }
    }

    /** The tasklet cannot be checkpointed: its operation throws; its stored checkpoint stays the previous one. */
    private void refuse(Entry e, NotPicklableException why) {
        e.tasklet.setTempval(new Resume(null, new NotPicklableException("durable tasklet '" + e.id
                + "' cannot be checkpointed: " + why.getMessage(), why)));
        insert(e);
    }

    private void commit() throws IOException {
        List<Checkpoint> rows = new ArrayList<>(batch.values());
        if (!rows.isEmpty()) {
            try {
                if (Trace.ON) {
                    Trace.at("commit begin " + rows.stream().map(c -> c.id() + ":" + c.state()).toList());
                }
                store.commit(rows); // throws: the engine stops; memory is ahead of the store and is dropped
                Trace.at("commit end");
            } catch (StaleCheckpointException stale) {
                if (hooks == null) {
                    throw stale;
                }
                rewind(rows, stale);
                return;
            }
        }
        batch.clear();
        inBatch.clear();
        for (Checkpoint c : rows) {
            Entry e = entries.get(c.id());
            if (e != null) {
                e.seq = c.seq();
            }
        }
        List<Runnable> after = new ArrayList<>(afterCommit);
        afterCommit.clear();
        after.forEach(Runnable::run);
    }

    private void fireTimers() {
        long now = clock.millis();
        while (!timers.isEmpty() && timers.peek().wakeAt <= now) {
            Entry e = timers.poll();
            if (e.state != DurableState.SLEEPING || entries.get(e.id) != e) { // woken, released or rewound
                continue;
            }
            Checkpoint c = store.row(e.id);
            if (hooks != null && c != null && c.seq() != e.seq) { // changed elsewhere (a kill from another node)
                entries.remove(e.id);
                install(c);
                continue;
            }
            if (c != null && load(e, c)) {
                e.tasklet.setTempval(Resume.of(null));
                e.state = DurableState.RUNNABLE;
                e.wakeAt = 0;
                insert(e);
            } else if (c != null && hooks != null) {
                refuseHere(e);
            }
        }
    }

    // ---------------------------------------------------------------- closing durable channels (ChannelMarks)

    /**
     * Closes ({@code open} false) or opens again durable channel {@code ch}, committed on its own
     * (from outside the tasklets); true if that changed it. Cluster mode: a compare-and-set on the
     * channel's mark row, so a concurrent close elsewhere refuses this one (StaleCheckpointException:
     * read again and retry).
     */
    public CompletableFuture<Boolean> closeChannel(String ch, boolean open) {
        return submit(() -> {
            if (!stageMark(ch, open)) {
                return CompletableFuture.completedFuture(false);
            }
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            inBatch.add(f);
            afterCommit.add(() -> f.complete(true));
            return f;
        });
    }

    /** Channel {@code ch} as committed: closing, and its balance (blocked senders minus blocked receivers). */
    public CompletableFuture<org.jstackless.durable.DurableChannelInfo> channelInfo(String ch) {
        return submit(() -> CompletableFuture.completedFuture(new org.jstackless.durable.DurableChannelInfo(ch,
                isClosing(ch), balance(ch))));
    }

    /** For the running durable tasklet (on this thread): whether {@code ch} is closing. */
    public boolean closingNow(String ch) {
        return isClosing(ch);
    }

    /** For the running durable tasklet (on this thread): {@code ch}'s balance. */
    public int balanceNow(String ch) {
        return balance(ch);
    }

    private boolean isClosing(String ch) {
        if (ch.length() >= Checkpoint.MAX_ID) {
            return false; // too long to carry a mark: never closed
        }
        return hooks == null ? closing.containsKey(ch) : store.row(ChannelMarks.id(ch)) != null;
    }

    private int balance(String ch) {
        if (hooks != null) {
            return hooks.balance(ch);
        }
        if (passive) { // nothing is queued: count the rows
            int b = 0;
            for (Entry e : entries.values()) {
                if (e.channel.equals(ch) && (e.state == DurableState.SENDING || e.state == DurableState.RECEIVING)) {
                    b += e.state == DurableState.SENDING ? 1 : -1;
                }
            }
            return b;
        }
        ArrayDeque<Entry> q = waiting.get(ch);
        return q == null || q.isEmpty() ? 0 : q.peekFirst().state == DurableState.SENDING ? q.size() : -q.size();
    }

    /**
     * Stages the change of {@code ch}'s mark into the batch (a close inserts it, an open deletes it;
     * a close and an open in the same round cancel out); false if the channel is already so.
     */
    private boolean stageMark(String ch, boolean open) {
        String mid = ChannelMarks.id(ch);
        Long stored;
        if (hooks == null) {
            stored = closing.get(ch);
        } else {
            Checkpoint m = store.row(mid);
            stored = m == null ? null : m.seq();
        }
        Checkpoint staged = batch.get(mid);
        boolean closingNow = staged != null ? staged.state() != DurableState.PURGED : stored != null;
        if (closingNow != open) {
            return false;
        }
        if (staged != null) {
            batch.remove(mid);
        } else if (open) {
            batch.put(mid, seal.row(mid, stored + 1, DurableState.PURGED, 0, ch, "", NONE));
        } else {
            batch.put(mid, seal.row(mid, 1, DurableState.FINISHED, 0, ch, ChannelMarks.DETAIL, NONE));
        }
        afterCommit.add(() -> {
            if (hooks == null) {
                Checkpoint m = store.row(mid);
                if (m == null) {
                    closing.remove(ch);
                } else {
                    closing.put(ch, m.seq());
                }
            }
        });
        return true;
    }

    /** A durable tasklet's close or open: the mark and its checkpoint (answering whether it changed) in one commit. */
    private void closeFrom(Entry e, String ch, boolean open) {
        String mid;
        try {
            mid = ChannelMarks.id(ch);
        } catch (IllegalArgumentException ex) {
            e.tasklet.setTempval(new Resume(null, ex));
            insert(e);
            return;
        }
        Checkpoint prev = batch.get(mid);
        boolean changed = stageMark(ch, open);
        Object old = e.tasklet.tempval();
        e.tasklet.setTempval(Resume.of(changed));
        NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            unstage(mid, prev);
            e.tasklet.setTempval(old);
            refuse(e, bad);
            return;
        }
        e.state = DurableState.RUNNABLE;
        afterCommit.add(() -> insert(e));
    }

    /**
     * Stackless's rule: a channel operation that would block on a closing channel is refused (one
     * that completes at once still does). True, and {@code e} resumed with the refusal, if so.
     */
    private boolean refusedClosing(Entry e, String ch) {
        if (!isClosing(ch)) {
            return false;
        }
        boolean sending = e.tasklet.tempval() instanceof Request.Send;
        e.tasklet.setTempval(new Resume(null, new org.jstackless.ChannelClosedException("Send/receive operation on a "
                + "closed channel: durable channel '" + ch + "' is closing and no " + (sending ? "receiver" : "sender")
                + " waits, so this " + (sending ? "send" : "receive") + " would block; open() the channel again to block on it")));
        insert(e);
        return true;
    }

    /** Stackless's {@code next(channel)}: ends the iteration on a closing channel with no sender waiting, else receives. */
    private void next(Entry e, String ch) {
        if (isClosing(ch) && balance(ch) <= 0) {
            e.tasklet.setTempval(new Resume(null, new java.util.NoSuchElementException("durable channel '" + ch
                    + "' is closed: the iteration ends")));
            insert(e);
            return;
        }
        receive(e, ch);
    }

    // ---------------------------------------------------------------- cluster mode (ClusterHooks)

    /**
     * Cluster mode: runs {@code id} here, from its row in the store; true if it is unfinished.
     * A no-op for a tasklet already here.
     */
    public CompletableFuture<Boolean> adopt(String id) {
        return submit(() -> CompletableFuture.completedFuture(adoptNow(id)));
    }

    /**
     * Cluster mode: stops running {@code id} here, at a round's end (its last committed checkpoint
     * is where the next owner resumes it); false if it was not here.
     */
    public CompletableFuture<Boolean> release(String id) {
        return submit(() -> {
            if (batch.containsKey(id)) { // its checkpoint of this round commits first
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                inBatch.add(f);
                afterCommit.add(() -> f.complete(releaseNow(id)));
                return f;
            }
            return CompletableFuture.completedFuture(releaseNow(id));
        });
    }

    /** Cluster mode: {@code id} may have been matched on its channel by another node: reload it if so (adopts it if absent). */
    public CompletableFuture<Boolean> wake(String id) {
        return submit(() -> CompletableFuture.completedFuture(wakeNow(id)));
    }

    /**
     * Cluster mode: another node's rendezvous committed {@code row}, the next checkpoint of a tasklet
     * blocked here: it runs from that row (no read of the store) if it is still blocked here at the
     * checkpoint before; otherwise as {@link #wake}. A row whose seal fails (changed on the way) is
     * not used: the tasklet is then reloaded from the store, as by {@link #wake}.
     */
    public void woken(Checkpoint row) {
        submit(() -> {
            Entry e = entries.get(row.id());
            Trace.at("woken " + row.id());
            if (e != null && e.tasklet == null && !batch.containsKey(e.id) && row.seq() == e.seq + 1
                    && row.state() == DurableState.RUNNABLE
                    && (e.state == DurableState.SENDING || e.state == DurableState.RECEIVING) && sealed(row)) {
                install(row);
                Trace.at("resumed from the message " + row.id());
            } else {
                wakeNow(row.id());
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** Whether {@code row}'s seal holds (a row from a message that fails it is read from the store instead). */
    private boolean sealed(Checkpoint row) {
        try {
            seal.open(row);
            return true;
        } catch (RuntimeException ex) {
            return false;
        }
    }

    /** Cluster mode: the ids of the tasklets running here (adopted and not done), sorted. */
    public CompletableFuture<List<String>> adopted() {
        return submit(() -> CompletableFuture.completedFuture(entries.values().stream().filter(e -> !e.state.isDone())
                .map(e -> e.id).sorted().toList()));
    }

    /**
     * Cluster mode: the rendezvous of sender {@code sid} and receiver {@code rid} blocked on channel
     * {@code ch}, done on their rows in the store (whichever node runs them): both rows are loaded,
     * the receiver's answered with the sender's value and the sender's with its return, and both
     * committed in one commit, fenced by their sequence numbers. False (nothing written) if either
     * is not blocked there any more.
     */
    public CompletableFuture<Boolean> match(String ch, String sid, String rid) {
        return crossNode.match(ch, sid, rid);
    }

    private boolean adoptNow(String id) {
        Entry old = entries.get(id);
        if (old != null) {
            return !old.state.isDone();
        }
        Checkpoint c = store.row(id);
        if (c == null) {
            return false;
        }
        install(c);
        return !c.state().isDone();
    }

    /** Makes {@code c} the entry of its id and runs, arms or parks it as its state says. */
    void install(Checkpoint c) {
        Entry e = new Entry(c);
        entries.put(e.id, e);
        switch (c.state()) {
            case RUNNABLE -> {
                if (load(e, c)) {
                    insert(e);
                } else {
                    refuseHere(e);
                }
            }
            case SLEEPING -> {
                if (loadable(e, c)) {
                    timers.add(e);
                }
            }
            case SENDING, RECEIVING -> {
                if (loadable(e, c)) {
                    hooks.blocked(e.channel); // in the store until its channel's owner matches it
                }
            }
            case SUSPENDED -> {
                // kept, not run, until resumed
            }
            default -> completeDone(e);
        }
    }

    /**
     * Cluster mode, for a tasklet adopted while sleeping or blocked: whether this program can load
     * its checkpoint (version pinning), checked now rather than when it wakes, so that a node with
     * other code refuses it at once; refused (and false) if not. The copy loaded is dropped.
     */
    private boolean loadable(Entry e, Checkpoint c) {
        if (hooks == null) {
            return true;
        }
        if (!load(e, c)) {
            refuseHere(e);
            return false;
        }
        byTasklet.remove(e.tasklet);
        e.tasklet = null;
        return true;
    }

    /** Cluster mode: this program cannot load {@code e} (its code differs): not run here; the placement layer looks elsewhere. */
    private void refuseHere(Entry e) {
        if (hooks == null) {
            return; // one node: it stays, listed with the reason in its detail
        }
        entries.remove(e.id);
        hooks.unloadable(e.id, e.detail);
    }

    private boolean releaseNow(String id) {
        Entry e = entries.remove(id);
        if (e == null) {
            return false;
        }
        drop(e);
        return true;
    }

    /** Forgets {@code e}'s tasklet in memory (its checkpoint stays in the store). */
    void drop(Entry e) {
        if (e.tasklet != null) {
            if (e.tasklet.isScheduled()) {
                e.tasklet.remove();
            }
            byTasklet.remove(e.tasklet);
            e.tasklet = null;
        }
    }

    boolean wakeNow(String id) {
        Trace.at("wake " + id);
        Entry e = entries.get(id);
        if (e == null) {
            return adoptNow(id);
        }
        if (e.tasklet != null || batch.containsKey(id) || e.state != DurableState.SENDING
                && e.state != DurableState.RECEIVING && e.state != DurableState.SUSPENDED && e.state != DurableState.SLEEPING) {
            return false;
        }
        Checkpoint c = store.row(id);
        if (c == null) {
            entries.remove(id);
            return false;
        }
        if (c.state() == e.state && c.channel().equals(e.channel)) {
            return false; // still waiting for its rendezvous
        }
        install(c);
        Trace.at("reloaded " + id);
        return true;
    }

    /**
     * A commit was refused: another writer advanced a row of it. Nothing of the round is kept: each
     * tasklet of it that another writer advanced is dropped (it runs elsewhere: fencing), the
     * others restart from their last committed checkpoint, as after a crash.
     */
    private void rewind(List<Checkpoint> rows, StaleCheckpointException why) {
        batch.clear();
        afterCommit.clear();
        for (CompletableFuture<?> f : inBatch) {
            f.completeExceptionally(why);
        }
        inBatch.clear();
        for (Checkpoint c : rows) {
            Entry e = entries.get(c.id());
            if (e == null) {
                continue; // a start, or a rendezvous of others' rows: nothing of it is in memory here
            }
            drop(e);
            entries.remove(c.id());
            Checkpoint now = store.row(c.id());
            if (now == null || now.seq() != e.seq) {
                hooks.lost(c.id());
            } else {
                install(now);
            }
        }
    }
}
