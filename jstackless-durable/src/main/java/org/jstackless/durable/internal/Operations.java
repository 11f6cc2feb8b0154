package org.jstackless.durable.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.DurableState;

/**
 * The operations other threads ask of an {@link Engine} on one durable tasklet or a set of them:
 * describe, cancel (in memory, or through the store for a tasklet not run here), suspend and
 * resume (a checkpoint committed again in another state), kill, purge. Each is submitted to the
 * engine thread and answers after the commit that carries it.
 *
 * <p>It owns no state. It reads and changes the Engine's: {@code entries} (and an entry's state,
 * detail, channel, tasklet), {@code byTasklet}, the channel queues and timers (through
 * {@code unwait}/{@code drop}), the staged {@code batch} with {@code inBatch} and
 * {@code afterCommit}, and reads {@code store}, {@code seal}, {@code hooks} and {@code passive}.
 * That state stays owned by the Engine, under the Engine's invariants, and is touched only on the
 * engine thread: every method here runs inside {@link Engine#submit} or its after-commit actions.
 */
final class Operations {
    private final Engine en;

    Operations(Engine en) {
        this.en = en;
    }

    /** The work of {@link Engine#describe}: same contract. */
    CompletableFuture<String> describe(String id, byte[] key) {
        return en.submit(() -> {
            Checkpoint c = en.store.row(id);
            if (c == null) {
                throw new IllegalArgumentException("no durable tasklet '" + id + "'");
            }
            byte[] p = en.seal.open(c);
            return CompletableFuture.completedFuture(c + (p.length == 0 ? "" : "\n" + Pickler.describe(p, key)));
        });
    }

    /** The work of {@link Engine#cancel}: same contract. */
    CompletableFuture<Boolean> cancel(String id) {
        return en.submit(() -> {
            refresh(id);
            Engine.Entry e = en.entries.get(id);
            if (ChannelMarks.isMark(id) || en.batch.containsKey(id) || e != null && e.state.isDone() || e == null && en.hooks == null) {
                return CompletableFuture.completedFuture(false);
            }
            if (e != null && !en.passive && (e.tasklet != null || en.hooks == null) && detach(e)) {
                e.tasklet.setTempval(Resume.cancel());
                NotPicklableException bad = en.stage(e, DurableState.RUNNABLE, 0, "", "");
                if (bad != null) {
                    throw bad;
                }
                e.state = DurableState.RUNNABLE;
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                en.inBatch.add(f);
                en.afterCommit.add(() -> {
                    if (!e.tasklet.isScheduled()) {
                        en.insert(e);
                    }
                    f.complete(true);
                });
                return f;
            }
            return cancelInStore(id, e);
        });
    }

    /** The store's half of {@link #cancel}: for a tasklet not in memory here (another node's, blocked, or passive). */
    private CompletableFuture<Boolean> cancelInStore(String id, Engine.Entry e) {
        Checkpoint c = en.store.row(id);
        if (c == null || c.state().isDone() || c.pickle().length == 0) {
            return CompletableFuture.completedFuture(false);
        }
        if (e != null) {
            en.unwait(e);
            en.drop(e);
        }
        en.batch.put(id, en.seal.row(id, c.seq() + 1, DurableState.RUNNABLE, 0, "", org.jstackless.durable.Durable.CANCELLING,
                en.seal.open(c)));
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        en.inBatch.add(f);
        en.afterCommit.add(() -> {
            Checkpoint now = en.store.row(id);
            if (en.hooks != null) {
                if (en.entries.remove(id) != null) {
                    en.install(now); // loaded here: the cancel is raised at once
                } else {
                    en.hooks.matched(id); // its owner reloads it
                }
            } else if (e != null) {
                e.state = DurableState.RUNNABLE;
                e.detail = org.jstackless.durable.Durable.CANCELLING;
                e.wakeAt = 0;
                if (!en.passive && en.load(e, now)) {
                    en.insert(e);
                }
            }
            f.complete(true);
        });
        return f;
    }

    /** The work of {@link Engine#suspend}: same contract. */
    CompletableFuture<Boolean> suspend(String id) {
        return en.submit(() -> rewrite(id, DurableState.RUNNABLE, DurableState.SUSPENDED));
    }

    /** The work of {@link Engine#resumeSuspended}: same contract. */
    CompletableFuture<Boolean> resumeSuspended(String id) {
        return en.submit(() -> rewrite(id, DurableState.SUSPENDED, DurableState.RUNNABLE));
    }

    /** Commits {@code id}'s last checkpoint again, in state {@code to}, if it is in state {@code from}. */
    private CompletableFuture<Boolean> rewrite(String id, DurableState from, DurableState to) {
        refresh(id);
        Engine.Entry e = en.entries.get(id);
        Checkpoint c = en.store.row(id);
        if (en.batch.containsKey(id) || c == null || c.state() != from || e != null && (e.state != from || e.seq != c.seq())
                || e == null && en.hooks == null) {
            return CompletableFuture.completedFuture(false);
        }
        byte[] pickle = en.seal.open(c); // the last checkpoint itself: what a runnable tasklet resumes from
        if (e != null) {
            en.drop(e); // a runnable one is, at a round's end, at its last checkpoint
            e.state = to;
        }
        en.batch.put(id, en.seal.row(id, c.seq() + 1, to, 0, "", c.detail(), pickle)); // a pending cancel stays pending
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        en.inBatch.add(f);
        en.afterCommit.add(() -> {
            if (en.passive && e != null) {
                e.detail = c.detail(); // operations only: nothing runs here
            } else if (en.entries.get(id) == e && e != null) {
                en.entries.remove(id);
                en.install(en.store.row(id)); // resumed: loaded and run here
            } else if (en.hooks != null) {
                en.hooks.matched(id); // its owner (if another node) reloads it
            }
            f.complete(true);
        });
        return f;
    }

    /** The work of {@link Engine#kill}: same contract. */
    CompletableFuture<Boolean> kill(String id) {
        return en.submit(() -> {
            refresh(id);
            if (ChannelMarks.isMark(id)) {
                return CompletableFuture.completedFuture(false);
            }
            Engine.Entry e = en.entries.get(id);
            if (e == null && en.hooks != null) { // cluster mode: it runs on another node (or nowhere): fenced in the store
                Checkpoint c = en.store.row(id);
                if (c == null || c.state().isDone() || en.batch.containsKey(id)) {
                    return CompletableFuture.completedFuture(false);
                }
                en.batch.put(id, en.seal.row(id, c.seq() + 1, DurableState.FAILED, 0, "", "killed", Engine.NONE));
                CompletableFuture<Boolean> f = new CompletableFuture<>();
                en.inBatch.add(f);
                en.afterCommit.add(() -> {
                    en.hooks.matched(id); // its owner reloads it (a stale copy in memory is refused at its next commit)
                    f.complete(true);
                });
                return f;
            }
            if (e == null || e.state.isDone() || en.batch.containsKey(id)) {
                return CompletableFuture.completedFuture(false);
            }
            en.unwait(e);
            if (e.tasklet != null) {
                if (e.tasklet.isScheduled()) {
                    e.tasklet.remove();
                }
                en.byTasklet.remove(e.tasklet);
                e.tasklet = null; // dropped: nothing of it runs again
            }
            en.batch.put(id, en.seal.row(id, e.seq + 1, DurableState.FAILED, 0, "", "killed", Engine.NONE));
            e.state = DurableState.FAILED;
            e.detail = "killed";
            e.channel = "";
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            en.inBatch.add(f);
            en.afterCommit.add(() -> {
                en.completeDone(e);
                f.complete(true);
            });
            return f;
        });
    }

    /**
     * Operations only: the store may be shared with running nodes (a cluster's table), so an
     * operation first reads {@code id}'s row again into its entry.
     */
    private void refresh(String id) {
        if (!en.passive || ChannelMarks.isMark(id)) {
            return;
        }
        Checkpoint c = en.store.row(id);
        if (c == null) {
            en.entries.remove(id);
            return;
        }
        en.entries.computeIfAbsent(id, Engine.Entry::new).take(c);
    }

    /** Takes {@code e} off its channel or timer, loading a sleeper; false if it cannot be loaded. */
    private boolean detach(Engine.Entry e) {
        en.unwait(e);
        if (e.state == DurableState.SLEEPING) {
            Checkpoint c = en.store.row(e.id);
            if (c == null || !en.load(e, c)) {
                return false;
            }
            e.state = DurableState.RUNNABLE; // its timer entry is skipped from now on
        }
        return e.tasklet != null;
    }

    /** The work of {@link Engine#purge}: same contract. */
    CompletableFuture<Boolean> purge(String id) {
        return purgeAll(List.of(id)).thenApply(n -> n == 1);
    }

    /** The work of {@link Engine#purgeAll}: same contract. */
    CompletableFuture<Integer> purgeAll(java.util.Collection<String> ids) {
        return en.submit(() -> {
            java.util.Collection<String> todo = ids != null ? ids
                    : en.entries.values().stream().filter(x -> x.state.isDone()).map(x -> x.id).sorted().toList();
            List<String> purged = new ArrayList<>();
            for (String id : todo) {
                if (ChannelMarks.isMark(id) || en.batch.containsKey(id)) {
                    continue;
                }
                refresh(id);
                Engine.Entry e = en.entries.get(id);
                long seq;
                if (en.hooks != null) { // whoever ran it, the store's row is the truth
                    Checkpoint c = en.store.row(id);
                    if (c == null || !c.state().isDone()) {
                        continue;
                    }
                    seq = c.seq();
                } else if (e != null && e.state.isDone()) {
                    seq = e.seq;
                } else {
                    continue;
                }
                en.batch.put(id, en.seal.row(id, seq + 1, DurableState.PURGED, 0, "", "", Engine.NONE));
                purged.add(id);
            }
            if (purged.isEmpty()) {
                return CompletableFuture.completedFuture(0);
            }
            CompletableFuture<Integer> f = new CompletableFuture<>();
            en.inBatch.add(f);
            en.afterCommit.add(() -> {
                purged.forEach(en.entries::remove);
                f.complete(purged.size());
            });
            return f;
        });
    }
}
