package org.jstackless.durable.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jstackless.NotPicklableException;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.durable.Checkpoint;
import org.jstackless.durable.StaleCheckpointException;
import org.jstackless.durable.DurableState;

/**
 * Cluster mode's rendezvous across nodes (see {@link org.jstackless.durable.ClusterHooks}): the
 * match of two blocked rows in the store, the meet of an arriving tasklet with a partner blocked
 * on another node (one commit per hop: the partner's answered row and the arriving tasklet's next
 * checkpoint), its settling or abandoning, and the deferred pair checks of a blocked channel.
 *
 * <p>It owns no state. It reads and changes the Engine's: {@code meets}, {@code claimed},
 * {@code continuing} and {@code later} (cluster mode only), {@code entries} and {@code byTasklet},
 * the staged {@code batch} and {@code afterCommit} (set aside while a meet commits on its own),
 * {@code suspended}, {@code inserted} and {@code rounds} (a meet runs its tasklet on in a round of
 * its own), and reads {@code store}, {@code seal}, {@code pickler} and {@code hooks}. That state
 * stays owned by the Engine, under the Engine's invariants, and is touched only on the engine
 * thread: every method here runs in the engine's loop, in {@link Engine#submit}, or in an
 * after-commit or deferred action.
 */
final class ClusterMeets {
    private final Engine en;

    ClusterMeets(Engine en) {
        this.en = en;
    }

    /** The work of {@link Engine#match}: same contract. */
    CompletableFuture<Boolean> match(String ch, String sid, String rid) {
        return en.submit(() -> {
            if (sid.equals(rid) || en.batch.containsKey(sid) || en.batch.containsKey(rid)) {
                return CompletableFuture.completedFuture(false);
            }
            Trace.at("match begin " + ch);
            Checkpoint s = en.store.row(sid);
            Checkpoint r = en.store.row(rid);
            Trace.at("match rows read");
            if (s == null || r == null || s.state() != DurableState.SENDING || r.state() != DurableState.RECEIVING
                    || !s.channel().equals(ch) || !r.channel().equals(ch)) {
                return CompletableFuture.completedFuture(false);
            }
            return CompletableFuture.completedFuture(rendezvous(s, r)); // refusals (code this node lacks) reach the caller
        });
    }

    /**
     * Cluster mode: the rendezvous of blocked rows {@code s} (sender) and {@code r} (receiver), as
     * its OWN commit of both rows, each fenced by its sequence number: a refusal (another matcher
     * took one of them first, or it runs elsewhere) writes nothing and is false, and costs nothing
     * else (the round's other rows are not rewound). After the commit each side resumes: here from
     * the state just loaded (no reload from the store) if this node runs it, else its owner is told.
     * Throws if a checkpoint cannot be loaded here.
     */
    private boolean rendezvous(Checkpoint s, Checkpoint r) {
        Tasklet st = en.pickler.loads(en.seal.open(s));
        Tasklet rt = en.pickler.loads(en.seal.open(r));
        Object value = ((Request.Send) st.tempval()).value();
        rt.setTempval(Resume.of(value));
        st.setTempval(Resume.of(null));
        Checkpoint rn = en.seal.row(r.id(), r.seq() + 1, DurableState.RUNNABLE, 0, "", "", en.pickler.dumps(rt));
        Checkpoint sn = en.seal.row(s.id(), s.seq() + 1, DurableState.RUNNABLE, 0, "", "", en.pickler.dumps(st));
        Trace.at("rendezvous begin " + s.channel() + " " + s.id() + "->" + r.id());
        try {
            en.store.commit(List.of(rn, sn));
        } catch (StaleCheckpointException stale) {
            Trace.at("rendezvous refused");
            return false;
        } catch (IOException io) {
            throw new java.io.UncheckedIOException(io);
        }
        Trace.at("rendezvous end");
        resumeMatched(r, rt, rn);
        resumeMatched(s, st, sn);
        return true;
    }

    /**
     * After a rendezvous committed here: row {@code was} (blocked) is now RUNNABLE at the next
     * sequence number ({@code now}), its tasklet {@code t} as loaded and answered. If this node runs
     * it, blocked at that very row, it runs {@code t} at once; otherwise its owner is sent {@code now}.
     */
    private void resumeMatched(Checkpoint was, Tasklet t, Checkpoint now) {
        Engine.Entry x = en.entries.get(was.id());
        if (x == null) {
            en.hooks.matched(was.id(), now);
            return;
        }
        if (x.tasklet == null && x.seq == was.seq() && x.state == was.state() && !en.batch.containsKey(x.id)) {
            x.seq = was.seq() + 1;
            x.state = DurableState.RUNNABLE;
            x.channel = "";
            x.tasklet = t;
            en.byTasklet.put(t, x);
            en.insert(x);
            Trace.at("resumed " + x.id);
        } else {
            en.wakeNow(x.id);
        }
    }

    /**
     * Cluster mode, after {@code ch}'s blocked row was committed here: if a sender and a receiver
     * now both wait there (the partner blocked while this one's row was in flight), pairs the
     * oldest of each at once (its own fenced commit) rather than through the channel's owner; true
     * also when only one kind waits (nothing to do: whoever blocks next commits after this row and
     * finds the pair); false (the owner is kicked) if the pair cannot be loaded here, was refused,
     * or the hooks do not pair.
     */
    private boolean pairNow(String ch) {
        List<String> p = en.hooks.pair(ch);
        if (p != null && p.isEmpty()) {
            return true; // nothing to pair: the partner that blocks next finds the pair (its commit is after ours)
        }
        if (p == null || p.size() != 2 || en.batch.containsKey(p.get(0)) || en.batch.containsKey(p.get(1))) {
            return false;
        }
        Checkpoint s = en.store.row(p.get(0));
        Checkpoint r = en.store.row(p.get(1));
        if (s == null || r == null || s.state() != DurableState.SENDING || r.state() != DurableState.RECEIVING
                || !s.channel().equals(ch) || !r.channel().equals(ch)) {
            return false;
        }
        try {
            return rendezvous(s, r);
        } catch (RuntimeException ex) { // code this node lacks, a refused seal: the channel's owner deals with it
            if (ex instanceof java.io.UncheckedIOException) {
                throw ex;
            }
            return false;
        }
    }

    /**
     * Cluster mode: the rendezvous of {@code e}, arriving on channel {@code ch} as {@code arriving},
     * with the partner already blocked there (the common case of a ping-pong), staged here at once,
     * without first committing {@code e}'s blocked row: the partner's row is read with its pickle
     * in one query and answered, and {@code e} runs on, from its live state, to its next request
     * before anything is committed ({@link #settleMeets}); then the partner's answered row and
     * {@code e}'s next checkpoint are ONE commit, each fenced by its sequence number. So a
     * ping-pong hop costs one commit (its next blocked row rides with the rendezvous) and one
     * message to the partner's node, which carries the committed row (no reload from the store).
     * The commit is its own, apart from the round's, so that a refusal (another matcher took the
     * partner first) writes nothing of it and costs only this: {@code e} then blocks, from its
     * checkpoint taken at the operation, as if it had found no partner. False when there is no
     * partner to take (or it cannot be loaded here): {@code e} blocks.
     */
    boolean meet(Engine.Entry e, DurableState arriving, String ch) {
        if (en.continuing.contains(e) || en.batch.containsKey(e.id)) {
            return false; // one meet per commit: a tasklet running on after a meet blocks at its next channel operation
        }
        Trace.at("meet lookup " + ch);
        Checkpoint pr = en.hooks.partnerRow(ch, arriving, en.store);
        Trace.at("meet partner " + (pr == null ? null : pr.id()));
        DurableState want = arriving == DurableState.SENDING ? DurableState.RECEIVING : DurableState.SENDING;
        if (pr == null || pr.id().equals(e.id) || en.batch.containsKey(pr.id()) || en.claimed.contains(pr.id())
                || pr.state() != want || !pr.channel().equals(ch)) {
            return false;
        }
        Tasklet pt;
        try {
            pt = en.pickler.loads(en.seal.open(pr));
        } catch (RuntimeException ex) { // code this node lacks, a refused seal: the channel's owner deals with it
            return false;
        }
        byte[] bp; // e blocked at this operation: its checkpoint if the meet is refused
        try {
            bp = en.pickler.dumps(e.tasklet);
        } catch (NotPicklableException ex) {
            return false; // block: the usual path reports a value that does not pickle
        }
        Object eOld = e.tasklet.tempval();
        if (arriving == DurableState.SENDING) {
            pt.setTempval(Resume.of(((Request.Send) eOld).value()));
            e.tasklet.setTempval(Resume.of(null));
        } else {
            Object v = ((Request.Send) pt.tempval()).value();
            pt.setTempval(Resume.of(null));
            e.tasklet.setTempval(Resume.of(v));
        }
        byte[] pp;
        try {
            pp = en.pickler.dumps(pt);
        } catch (NotPicklableException ex) {
            e.tasklet.setTempval(eOld);
            return false;
        }
        en.claimed.add(pr.id());
        en.meets.add(new Meet(e, pr, pt, en.seal.row(pr.id(), pr.seq() + 1, DurableState.RUNNABLE, 0, "", "", pp),
                en.seal.row(e.id, e.seq + 1, arriving, 0, ch, "", bp)));
        en.continuing.add(e);
        e.state = DurableState.RUNNABLE;
        e.channel = "";
        en.insert(e); // runs on at once (settleMeets), answered
        Trace.at("meet staged " + ch + " " + e.id + "+" + pr.id());
        return true;
    }

    /**
     * A meet staged by {@link #meet}: arriving {@code e}, the partner's blocked row {@code partnerWas},
     * its tasklet {@code partner} as loaded and answered, its answered row {@code partnerRow}, and
     * {@code e}'s row blocked at the operation ({@code blockedRow}, used if the meet is refused).
     */
    record Meet(Engine.Entry e, Checkpoint partnerWas, Tasklet partner, Checkpoint partnerRow, Checkpoint blockedRow) {
    }

    /**
     * Runs the tasklets of the staged meets on to their next request, then commits each meet with
     * that request's checkpoint (its own commit); the other tasklets that ran meanwhile are handled
     * as usual (into the round's batch).
     */
    void settleMeets() throws Suspendable {
        List<Meet> ms = new ArrayList<>(en.meets);
        en.meets.clear();
        en.inserted = 0;
        en.rounds++;
        Stackless.run();
        List<Engine.Entry> ran = new ArrayList<>(en.suspended);
        en.suspended.clear();
        for (Meet m : ms) {
            settle(m, ran.remove(m.e()));
        }
        en.continuing.clear();
        for (Engine.Entry e : ran) {
            en.handle(e);
        }
        en.suspended.clear();
    }

    /** Commits meet {@code m} with its tasklet's next checkpoint ({@code ran}: it suspended with a request). */
    private void settle(Meet m, boolean ran) {
        Engine.Entry e = m.e();
        LinkedHashMap<String, Checkpoint> roundBatch = new LinkedHashMap<>(en.batch);
        List<Runnable> roundAfter = new ArrayList<>(en.afterCommit);
        en.batch.clear();
        en.afterCommit.clear();
        if (ran) {
            en.handle(e); // its next checkpoint (and a child's, for a start) into the emptied batch
        }
        List<Checkpoint> rows = new ArrayList<>();
        rows.add(m.partnerRow());
        rows.addAll(en.batch.values());
        List<Runnable> after = new ArrayList<>(en.afterCommit);
        en.batch.clear();
        en.afterCommit.clear();
        en.batch.putAll(roundBatch);
        en.afterCommit.addAll(roundAfter);
        if (rows.stream().noneMatch(c -> c.id().equals(e.id))) { // its next state does not pickle: no meet; it blocks
            abandon(m);
            return;
        }
        Trace.at("meet begin " + m.partnerRow().id() + "+" + e.id);
        try {
            en.store.commit(rows);
        } catch (StaleCheckpointException stale) {
            Trace.at("meet refused");
            abandon(m);
            return;
        } catch (IOException io) {
            throw new java.io.UncheckedIOException(io); // as a failed round commit: the engine stops
        }
        Trace.at("meet end");
        for (Checkpoint c : rows) {
            Engine.Entry x = en.entries.get(c.id());
            if (x != null && !c.id().equals(m.partnerRow().id())) { // a partner here: resumeMatched moves it on
                x.seq = c.seq();
            }
        }
        resumeMatched(m.partnerWas(), m.partner(), m.partnerRow()); // first: the partner's node is the critical path
        after.forEach(Runnable::run);
    }

    /**
     * Meet {@code m} is not made (refused, or its tasklet's next state does not pickle): its tasklet
     * is put back blocked at the operation it met with, from the checkpoint taken there (staged in
     * the round), and whatever it did since in memory is dropped, as if it had found no partner;
     * unless another writer advanced it meanwhile: then it runs elsewhere (fencing).
     */
    private void abandon(Meet m) {
        Engine.Entry e = m.e();
        Trace.at("meet abandoned " + e.id);
        en.drop(e);
        Checkpoint now = en.store.row(e.id);
        if (now == null || now.seq() != e.seq) {
            en.entries.remove(e.id);
            en.hooks.lost(e.id);
            return;
        }
        Checkpoint b = m.blockedRow();
        e.state = b.state();
        e.channel = b.channel();
        e.detail = "";
        en.batch.put(e.id, b);
        en.afterCommit.add(() -> pairLater(e));
    }

    /**
     * After {@code e}'s blocked row committed: its channel is checked for a pair soon (see
     * {@link #pairNow}) unless {@code e} was taken meanwhile. Of two tasklets that block at once on
     * either side, neither finding the other, the one whose commit was last finds the pair; a
     * partner arriving later finds {@code e} itself (its meet), which makes the check unneeded.
     */
    void pairLater(Engine.Entry e) {
        long seq = e.seq;
        String ch = e.channel;
        DurableState st = e.state;
        en.later.add(new Later(System.nanoTime() + Engine.PAIR_CHECK_NANOS, () -> {
            if (en.entries.get(e.id) == e && e.seq == seq && e.state == st && e.channel.equals(ch) && e.tasklet == null
                    && !en.batch.containsKey(e.id) && !pairNow(ch)) {
                en.hooks.blocked(ch);
            }
        }));
    }

    /** A deferred action of the engine thread, due at {@code at} (System.nanoTime). */
    record Later(long at, Runnable action) {
    }

    void runLater() {
        long now = System.nanoTime();
        while (!en.later.isEmpty() && en.later.peek().at() - now <= 0) {
            en.later.poll().action().run();
        }
    }
}
