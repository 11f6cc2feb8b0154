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
 * only RECEIVING entries, in the order they blocked; a SLEEPING entry holds no tasklet.
 */
public final class Engine {
    private static final ThreadLocal<Engine> CURRENT = new ThreadLocal<>();
    private static final byte[] NONE = new byte[0];
    /** Longest wait for a command while nothing runs, so a clock moved under us is seen soon. */
    private static final long IDLE_MILLIS = 100;

    private final DurableStore store;
    private final Pickler pickler;
    private final InstantSource clock;
    private final RowSeal seal;
    private final LinkedBlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final Thread thread;
    private volatile Throwable failure;
    /** Callers' futures not completed yet: failed when the engine ends. */
    private final java.util.Set<CompletableFuture<?>> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

    // Engine thread only.
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<Tasklet, Entry> byTasklet = new IdentityHashMap<>();
    private final List<Entry> suspended = new ArrayList<>();
    private final Map<String, ArrayDeque<Entry>> waiting = new HashMap<>();
    private final PriorityQueue<Entry> timers = new PriorityQueue<>(
            Comparator.comparingLong((Entry e) -> e.wakeAt).thenComparing(e -> e.id));
    private final LinkedHashMap<String, Checkpoint> batch = new LinkedHashMap<>();
    private final List<Runnable> afterCommit = new ArrayList<>();
    private final Map<String, List<CompletableFuture<DurableInfo>>> doneWaiters = new HashMap<>();
    /** Opened for operations only: nothing is loaded, run or started. */
    private volatile boolean passive;
    private int inserted;
    private boolean stopping;
    private long rounds;

    /** One durable tasklet. */
    private static final class Entry {
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
    }

    /** An engine over {@code store}, sealing rows with {@code key}; {@link #start} runs it. */
    public Engine(DurableStore store, Pickler pickler, InstantSource clock, byte[] key) {
        this.store = store;
        this.pickler = pickler;
        this.clock = clock;
        this.seal = new RowSeal(key);
        this.thread = Thread.ofPlatform().name("jstackless-durable").daemon(true).unstarted(this::main);
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
                    if (entries.containsKey(id)) {
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
            fresh.forEach((e, p) -> {
                entries.put(e.id, e);
                byTasklet.put(e.tasklet, e);
                batch.put(e.id, seal.row(e.id, 1, DurableState.RUNNABLE, 0, "", "", p));
            });
            CompletableFuture<Integer> f = new CompletableFuture<>();
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
        return submit(() -> {
            Checkpoint c = store.row(id);
            if (c == null) {
                throw new IllegalArgumentException("no durable tasklet '" + id + "'");
            }
            byte[] p = seal.open(c);
            return CompletableFuture.completedFuture(c + (p.length == 0 ? "" : "\n" + Pickler.describe(p, key)));
        });
    }

    /** Cancels live {@code id} (see DurableRuntime.cancel); false if done or unknown. */
    public CompletableFuture<Boolean> cancel(String id) {
        return submit(() -> {
            Entry e = entries.get(id);
            if (e == null || e.state.isDone() || batch.containsKey(id) || !detach(e)) {
                return CompletableFuture.completedFuture(false);
            }
            e.tasklet.setTempval(Resume.cancel());
            NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
            if (bad != null) {
                throw bad;
            }
            e.state = DurableState.RUNNABLE;
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            afterCommit.add(() -> {
                if (!e.tasklet.isScheduled()) {
                    insert(e);
                }
                f.complete(true);
            });
            return f;
        });
    }

    /** Kills live {@code id} (see DurableRuntime.kill); false if done or unknown. */
    public CompletableFuture<Boolean> kill(String id) {
        return submit(() -> {
            Entry e = entries.get(id);
            if (e == null || e.state.isDone() || batch.containsKey(id)) {
                return CompletableFuture.completedFuture(false);
            }
            unwait(e);
            if (e.tasklet != null) {
                if (e.tasklet.isScheduled()) {
                    e.tasklet.remove();
                }
                byTasklet.remove(e.tasklet);
                e.tasklet = null; // dropped: nothing of it runs again
            }
            batch.put(id, seal.row(id, e.seq + 1, DurableState.FAILED, 0, "", "killed", NONE));
            e.state = DurableState.FAILED;
            e.detail = "killed";
            e.channel = "";
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            afterCommit.add(() -> {
                completeDone(e);
                f.complete(true);
            });
            return f;
        });
    }

    /** Takes {@code e} off its channel or timer, loading a sleeper; false if it cannot be loaded. */
    private boolean detach(Entry e) {
        unwait(e);
        if (e.state == DurableState.SLEEPING) {
            Checkpoint c = store.row(e.id);
            if (c == null || !load(e, c)) {
                return false;
            }
            e.state = DurableState.RUNNABLE; // its timer entry is skipped from now on
        }
        return e.tasklet != null;
    }

    private void unwait(Entry e) {
        if (e.state == DurableState.SLEEPING) {
            timers.remove(e); // its wake-up time may change again: no stale heap entry may keep the old one
        }
        ArrayDeque<Entry> q = waiting.get(e.channel);
        if (q != null && q.remove(e) && q.isEmpty()) {
            waiting.remove(e.channel);
        }
        e.channel = "";
    }

    private void completeDone(Entry e) {
        List<CompletableFuture<DurableInfo>> ws = doneWaiters.remove(e.id);
        if (ws != null) {
            DurableInfo info = infoOf(e);
            ws.forEach(w -> w.complete(info));
        }
    }

    /** Deletes finished or failed {@code id} from the store; false if it is not done. */
    public CompletableFuture<Boolean> purge(String id) {
        return submit(() -> {
            Entry e = entries.get(id);
            if (e == null || !e.state.isDone() || batch.containsKey(id)) {
                return CompletableFuture.completedFuture(false);
            }
            batch.put(id, seal.row(id, e.seq + 1, DurableState.PURGED, 0, "", "", NONE));
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            afterCommit.add(() -> {
                entries.remove(id);
                f.complete(true);
            });
            return f;
        });
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
                commit();
                fireTimers();
                if (inserted == 0 && batch.isEmpty() && afterCommit.isEmpty()) {
                    long wait = IDLE_MILLIS;
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
        List<Checkpoint> rows = new ArrayList<>(store.rows());
        rows.sort(Comparator.comparingLong(Checkpoint::txn).thenComparing(Checkpoint::id));
        for (Checkpoint c : rows) {
            Entry e = new Entry(c.id());
            e.seq = c.seq();
            e.state = c.state();
            e.wakeAt = c.wakeAt();
            e.channel = c.channel();
            e.detail = c.detail();
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
                }
            }
        }
    }

    /** Loads {@code e}'s tasklet from its row; false (and the reason in its detail) if this program cannot. */
    private boolean load(Entry e, Checkpoint row) {
        try {
            Tasklet t = pickler.loads(seal.open(row));
            e.tasklet = t;
            byTasklet.put(t, e);
            return true;
        } catch (NotPicklableException ex) {
            e.detail = "cannot resume in this program: " + ex.getMessage();
            return false;
        }
    }

    private void insert(Entry e) {
        e.tasklet.insert();
        inserted++;
    }

    private static DurableInfo infoOf(Entry e) {
        return new DurableInfo(e.id, e.state, e.seq, e.channel,
                e.state == DurableState.SLEEPING ? Instant.ofEpochMilli(e.wakeAt) : null, e.detail);
    }

    private void handle(Entry e) {
        Object req = e.tasklet.tempval();
        switch (req) {
            case Request.Checkpoint c -> resume(e, null);
            case Request.StepDone s -> resume(e, s.result());
            case Request.Sleep s -> sleep(e, s.millis());
            case Request.Send s -> send(e, s.channel(), s.value());
            case Request.Receive r -> receive(e, r.channel());
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
        if (entries.containsKey(st.id())) {
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
        ArrayDeque<Entry> q = waiting.get(ch);
        Entry r = q != null && !q.isEmpty() && q.peekFirst().state == DurableState.RECEIVING ? q.peekFirst() : null;
        if (r == null) {
            block(e, DurableState.SENDING, ch);
            return;
        }
        // The receiver's checkpoint holds the value; both rows go into the same commit.
        Object rOld = r.tasklet.tempval();
        Checkpoint rPrev = batch.get(r.id);
        r.tasklet.setTempval(Resume.of(value));
        NotPicklableException bad = stage(r, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            r.tasklet.setTempval(rOld);
            refuse(e, new NotPicklableException("the value sent on durable channel '" + ch + "' does not pickle: "
                    + bad.getMessage(), bad));
            return;
        }
        Object eOld = e.tasklet.tempval();
        e.tasklet.setTempval(Resume.of(null));
        bad = stage(e, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            e.tasklet.setTempval(eOld);
            r.tasklet.setTempval(rOld);
            unstage(r.id, rPrev);
            refuse(e, bad);
            return;
        }
        poll(q, ch);
        matched(r, e);
    }

    private void receive(Entry e, String ch) {
        ArrayDeque<Entry> q = waiting.get(ch);
        Entry s = q != null && !q.isEmpty() && q.peekFirst().state == DurableState.SENDING ? q.peekFirst() : null;
        if (s == null) {
            block(e, DurableState.RECEIVING, ch);
            return;
        }
        Object value = ((Request.Send) s.tasklet.tempval()).value();
        Object eOld = e.tasklet.tempval();
        Checkpoint ePrev = batch.get(e.id);
        e.tasklet.setTempval(Resume.of(value));
        NotPicklableException bad = stage(e, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) {
            e.tasklet.setTempval(eOld);
            refuse(e, bad);
            return;
        }
        Object sOld = s.tasklet.tempval();
        s.tasklet.setTempval(Resume.of(null));
        bad = stage(s, DurableState.RUNNABLE, 0, "", "");
        if (bad != null) { // cannot happen unless the sender's state changed; keep it blocked
            s.tasklet.setTempval(sOld);
            e.tasklet.setTempval(eOld);
            unstage(e.id, ePrev);
            refuse(e, bad);
            return;
        }
        poll(q, ch);
        matched(e, s);
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
    private NotPicklableException stage(Entry e, DurableState st, long wakeAt, String ch, String detail) {
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
            store.commit(rows); // throws: the engine stops; memory is ahead of the store and is dropped
        }
        batch.clear();
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
            if (e.state != DurableState.SLEEPING) {
                continue;
            }
            Checkpoint c = store.row(e.id);
            if (c != null && load(e, c)) {
                e.tasklet.setTempval(Resume.of(null));
                e.state = DurableState.RUNNABLE;
                e.wakeAt = 0;
                insert(e);
            }
        }
    }
}
