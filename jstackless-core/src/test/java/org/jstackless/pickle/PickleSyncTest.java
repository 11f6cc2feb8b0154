package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.sync.Condition;
import org.jstackless.sync.Event;
import org.jstackless.sync.Lock;
import org.junit.jupiter.api.Test;

/**
 * A soft tasklet suspended in a {@link Lock} or an {@link Event} pickles like one blocked on a
 * channel, without allowing the library's classes: it comes back waiting in the loaded copy, and
 * releasing the copied lock (held by the loading tasklet in place of the original holder) or
 * setting the copied event resumes it.
 */
class PickleSyncTest {
    static final List<String> OUT = new ArrayList<>();

    static void locker(Lock lock) throws Suspendable {
        OUT.add("waiting");
        lock.acquire(); // pickled here: another tasklet holds the lock
        OUT.add("got it " + lock.isHeldByCurrent());
        lock.release();
        OUT.add("released " + lock.isLocked());
    }

    static void awaiter(Event event, String name) throws Suspendable {
        event.await(); // pickled here
        OUT.add(name + " passed " + event.isSet());
    }

    static void conditionWaiter(Lock lock, Condition cond) throws Suspendable {
        lock.acquire();
        try {
            cond.await(); // pickled here: the lock released meanwhile
            OUT.add("woke holding " + lock.isHeldByCurrent());
        } finally {
            lock.release();
        }
    }

    static Pickler pickler() {
        return PickleTestSupport.builder().restrictCode(PickleSyncTest.class.getName()).build();
    }

    @Test
    void aTaskletWaitingForALockComesBackWaitingAndTheReleaseHandsItOver() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Lock lock = new Lock();
            lock.acquire(); // main holds it
            Tasklet t = Tasklet.spawn(() -> locker(lock));
            Stackless.schedule();
            assertThat(t.isBlocked()).isTrue();
            assertThat(lock.toString()).contains("held by");
            b[0] = pickler().dumps(t, Map.of("lock", lock));
            t.kill();
            lock.release();
            assertThat(lock.isLocked()).isFalse();
        });
        assertThat(OUT).containsExactly("waiting");
        OUT.clear();
        Stackless.runAsMain(() -> {
            Pickler.Loaded l = pickler().loadsWithRoots(b[0]);
            Tasklet u = l.tasklet();
            Lock lock = l.root("lock", Lock.class);
            assertThat(u.isBlocked()).isTrue();
            assertThat(lock.owner()).as("the loading tasklet stands for the holder").isSameAs(Stackless.current());
            lock.release(); // hands the lock to the loaded tasklet
            Stackless.run();
            assertThat(u.isAlive()).isFalse();
            assertThat(lock.isLocked()).isFalse();
        });
        assertThat(OUT).containsExactly("got it true", "released false");
    }

    @Test
    void aTaskletWaitingForAnEventComesBackWaitingAndOnlyItsOwnWaiterCameWithIt() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Event event = new Event();
            Tasklet t = Tasklet.spawn(() -> awaiter(event, "t"));
            Tasklet other = Tasklet.spawn(() -> awaiter(event, "other"));
            Stackless.schedule();
            assertThat(event.waiting()).isEqualTo(2);
            b[0] = pickler().dumps(t, Map.of("event", event));
            event.set();
            Stackless.run();
            assertThat(t.isAlive() || other.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactlyInAnyOrder("t passed true", "other passed true");
        OUT.clear();
        Stackless.runAsMain(() -> {
            Pickler.Loaded l = pickler().loadsWithRoots(b[0]);
            Tasklet u = l.tasklet();
            Event event = l.root("event", Event.class);
            assertThat(u.isBlocked()).isTrue();
            assertThat(event.isSet()).isFalse();
            assertThat(event.waiting()).as("the other tasklet's waiter stayed behind").isEqualTo(1);
            event.set();
            Stackless.run();
            assertThat(u.isAlive()).isFalse();
        });
        assertThat(OUT).containsExactly("t passed true");
    }

    @Test
    void aTaskletWaitingOnAConditionComesBackWaitingAndASignalWakesIt() throws Exception {
        OUT.clear();
        byte[][] b = new byte[1][];
        Stackless.runAsMain(() -> {
            Lock lock = new Lock();
            Condition cond = new Condition(lock);
            Tasklet t = Tasklet.spawn(() -> conditionWaiter(lock, cond));
            Stackless.schedule();
            assertThat(cond.waiting()).isEqualTo(1);
            assertThat(lock.isLocked()).isFalse();
            b[0] = pickler().dumps(t, Map.of("cond", cond));
            t.kill();
        });
        OUT.clear();
        Stackless.runAsMain(() -> {
            Pickler.Loaded l = pickler().loadsWithRoots(b[0]);
            Tasklet u = l.tasklet();
            Condition cond = l.root("cond", Condition.class);
            assertThat(u.isBlocked()).isTrue();
            assertThat(cond.waiting()).isEqualTo(1);
            cond.lock().acquire();
            cond.signal();
            cond.lock().release();
            Stackless.run();
            assertThat(u.isAlive()).isFalse();
            assertThat(cond.lock().isLocked()).isFalse();
        });
        assertThat(OUT).containsExactly("woke holding true");
    }

    @Test
    void mutatedPicklesOfALockWaiterEndInTheDocumentedExceptionOrLoad() throws Exception {
        Pickler pickler = PickleTestSupport.builder().acceptReplays().build();
        long seed = System.nanoTime();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        List<String> failures = new ArrayList<>();
        int[] loaded = {0};
        Stackless.runAsMain(() -> {
            Lock lock = new Lock();
            lock.acquire();
            Event event = new Event();
            Tasklet t = Tasklet.spawn(() -> locker(lock));
            Stackless.schedule();
            byte[] good = pickler.dumps(t, Map.of("lock", lock, "event", event));
            t.kill();
            lock.release();
            int header = org.jstackless.internal.pickle.Envelope.HEADER;
            for (int i = 0; i < 3000; i++) {
                byte[] b = good.clone();
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    b[header + rnd.nextInt(b.length - header - 32)] = (byte) rnd.nextInt(256);
                }
                b = PickleFuzzTest.reseal(b);
                Tasklet u;
                try {
                    u = pickler.loads(b);
                    loaded[0]++;
                } catch (NotPicklableException e) {
                    continue; // documented
                } catch (Throwable e) {
                    failures.add("#" + i + ": " + e);
                    continue;
                }
                if (u.isAlive()) {
                    u.kill(); // leaves whatever queue it waits in
                }
            }
        });
        assertThat(failures).as("seed %d", seed).isEmpty();
        assertThat(loaded[0]).as("some mutations only change values").isGreaterThan(0);
    }
}
