package org.jstackless.mn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import org.jstackless.Channel;
import org.jstackless.Stackless;
import org.jstackless.Tasklet;
import org.jstackless.TaskletExit;
import org.jstackless.testing.SwitchingTest;

/**
 * Issue 6 / spec §9: a kill from one thread and a rendezvous from another racing for the same
 * blocked tasklet. Thread B owns a receiver blocked on a channel; at the same moment the test
 * thread kills it (a request to B) and thread C's tasklet sends on the channel. Whichever wins,
 * the kill is for the receiver only: the sender on C must never get TaskletExit, and its value is
 * either received or the send is still waiting for another receiver.
 */
class KillRaceTest {
    static final int ROUNDS = 1_000;
    static final int SENT = 1;
    static final int SENDER_KILLED = 2;
    static final int RECEIVED = 1;
    static final int RECEIVER_KILLED = 2;

    static void spinUntil(BooleanSupplier c, String what, RemoteThread... remotes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.getAsBoolean()) {
            for (RemoteThread r : remotes) {
                if (r.failure() != null) {
                    throw new AssertionError("while waiting until " + what + ", " + r.thread.getName()
                            + "'s Stackless session ended with " + r.failure(), r.failure());
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }

    // spec §9 (kill(pending) of another thread's tasklet acts on that tasklet only) / issue 6 ("channel operations across threads are safe")
    @SwitchingTest
    void killRacingARemoteRendezvousHitsOnlyItsTarget() throws Throwable {
        Stackless.runAsMain(() -> {
            Channel<Integer> ch = new Channel<>();
            AtomicIntegerArray senderOut = new AtomicIntegerArray(ROUNDS);
            AtomicIntegerArray receiverOut = new AtomicIntegerArray(ROUNDS);
            List<String> wrong = new ArrayList<>();
            int received = 0;
            int killed = 0;
            try (RemoteThread b = RemoteThread.start("B", () -> null);
                    RemoteThread c = RemoteThread.start("C", () -> null)) {
                for (int i = 0; i < ROUNDS; i++) {
                    int round = i;
                    CyclicBarrier go = new CyclicBarrier(2);
                    Tasklet r = (Tasklet) b.call(() -> {
                        Tasklet t = Tasklet.spawn(() -> {
                            try {
                                ch.receive();
                                receiverOut.set(round, RECEIVED);
                            } catch (TaskletExit e) {
                                receiverOut.set(round, RECEIVER_KILLED);
                                throw e;
                            }
                        });
                        t.run(); // it blocks receiving
                        return t;
                    });
                    c.call(() -> Tasklet.spawn(() -> {
                        go.await(10, TimeUnit.SECONDS);
                        try {
                            ch.send(round);
                            senderOut.set(round, SENT);
                        } catch (TaskletExit e) {
                            senderOut.set(round, SENDER_KILLED);
                        }
                    }));
                    go.await(10, TimeUnit.SECONDS);
                    r.kill();
                    spinUntil(() -> receiverOut.get(round) != 0, "the receiver of round " + round + " ended", b, c);
                    spinUntil(() -> senderOut.get(round) != 0 || ch.balance() == 1, "the sender of round " + round
                            + " is done or waiting", b, c);
                    if (senderOut.get(round) == 0) {
                        assertThat(ch.receive()).isEqualTo(round); // take the value ourselves
                        spinUntil(() -> senderOut.get(round) != 0, "the sender of round " + round + " ended", b, c);
                    }
                    if (b.failure() != null || c.failure() != null) {
                        wrong.add("round " + round + ": a remote thread's session ended: B " + b.failure() + ", C "
                                + c.failure());
                        break;
                    }
                    if (senderOut.get(round) == SENDER_KILLED) {
                        wrong.add("round " + round + ": the sender on C got the TaskletExit meant for B's receiver");
                    }
                    if (receiverOut.get(round) == RECEIVED) {
                        received++;
                    } else {
                        killed++;
                    }
                }
            }
            assertThat(wrong).as("%d rounds: receiver killed %d, receiver got the value first %d", ROUNDS, killed, received)
                    .isEmpty();
            assertThat(ch.balance()).isZero();
        });
    }
}
