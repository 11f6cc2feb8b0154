package org.jstackless.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * The cheapest hand-off between two threads: a volatile "whose turn" flag, with park/unpark to
 * sleep and wake. Each pass of the baton wakes the partner and puts the passer to sleep, which is
 * one thread switch.
 */
final class Baton {
    private volatile int holder;

    /**
     * Waits for the baton {@code n} times as party {@code me} (0 or 1; party 0 holds it first) and
     * passes it to {@code partner} each time.
     */
    void pass(int me, int n, Thread partner) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            while (holder != me) {
                LockSupport.park(this);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            holder = 1 - me;
            LockSupport.unpark(partner);
        }
    }
}
