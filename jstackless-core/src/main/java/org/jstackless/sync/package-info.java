/**
 * Tasklet-aware synchronisation: a {@link org.jstackless.sync.Lock}, a
 * {@link org.jstackless.sync.Semaphore}, a {@link org.jstackless.sync.Condition} and an
 * {@link org.jstackless.sync.Event} whose waits suspend only the waiting tasklet — soft or hard —
 * while the other tasklets of its thread run.
 *
 * <p>Why: a {@code synchronized} block or a {@link java.util.concurrent.locks.ReentrantLock}
 * belongs to a <em>thread</em>, and all the tasklets of a thread share it, so two tasklets of one
 * thread can be inside it at once; and a tasklet that blocks a thread in {@code wait()} stops
 * every tasklet of that thread. These primitives belong to tasklets instead. They work between
 * tasklets of one thread and of several (a {@link org.jstackless.Schedulers} pool included).
 *
 * <p>How: each primitive is a small object holding its counters and one rendezvous
 * {@link org.jstackless.Channel} (preference 0) on which its waiters block in
 * {@code receive()}. Waking a waiter hands it a token over that channel, so waiters are served
 * first come, first served, and a released permit goes straight to the longest waiter (no
 * barging). A tasklet suspended in one of them is an ordinary tasklet blocked on a channel.
 * See docs/sync.md.
 */
package org.jstackless.sync;
