package org.jstackless;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tasklets in every state a dump shows, for the dump tests (in this JVM and, through {@link #main},
 * in a child JVM): on the calling thread's scheduler a soft receiver and a hard sender blocked on
 * channels, a soft tasklet scheduled after a {@code schedule()}, one in a blocking call and one
 * sleeping; on each of two pool carriers one tasklet blocked receiving on a shared channel (soft on
 * carrier 0, hard on carrier 1). Each user frame records its line, so the tests can check the stacks.
 */
public final class DumpScenario {
    static volatile int softReceiveLine;
    static volatile int hardSendLine;
    static volatile int yieldLine;
    static volatile int blockingLine;
    static volatile int sleepLine;
    static volatile int poolReceiveLine;

    public final Channel<String> softChannel = new Channel<>();
    public final Channel<String> hardChannel = new Channel<>();
    public final Channel<String> poolChannel = new Channel<>();
    public final CountDownLatch release = new CountDownLatch(1);
    public Schedulers pool;
    public Tasklet softReceiver;
    public Tasklet hardSender;
    public Tasklet scheduled;
    public Tasklet blocker;
    public Tasklet sleeper;
    public Tasklet poolSoft;
    public Tasklet poolHard;

    static int line() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    static void softReceive(Channel<String> ch) throws Suspendable {
        softReceiveLine = line() + 1;
        ch.receive();
    }

    static void hardSend(Channel<String> ch) throws Suspendable {
        hardSendLine = line() + 1;
        ch.send("never taken");
    }

    static void yielder() throws Suspendable {
        yieldLine = line() + 1;
        Stackless.schedule();
    }

    static void blocker(CountDownLatch release) throws Exception, Suspendable {
        blockingLine = line() + 1;
        Stackless.blocking(() -> release.await(5, TimeUnit.MINUTES));
    }

    static void sleeper() throws Suspendable {
        sleepLine = line() + 1;
        Stackless.sleep(Duration.ofMinutes(5));
    }

    static void poolReceive(Channel<String> ch) throws Suspendable {
        poolReceiveLine = line() + 1;
        ch.receive();
    }

    /** Sets everything up; call inside {@code Stackless.runAsMain}. Returns when every tasklet is in place. */
    public void start() throws Exception, Suspendable {
        pool = Schedulers.start(2);
        softReceiver = Tasklet.spawn(() -> softReceive(softChannel));
        boolean old = Stackless.enableSoftSwitch(false);
        try {
            hardSender = Tasklet.spawn(() -> hardSend(hardChannel));
        } finally {
            Stackless.enableSoftSwitch(old);
        }
        scheduled = Tasklet.spawn(DumpScenario::yielder);
        blocker = Tasklet.spawn(() -> blocker(release));
        sleeper = Tasklet.spawn(DumpScenario::sleeper);
        Stackless.schedule(); // each runs to its wait; the yielder is queued again behind main
        poolSoft = new Tasklet(() -> poolReceive(poolChannel), Registry.of(pool.threads().get(0))).setup();
        awaitBalance(-1);
        Stackless.enableSoftSwitch(false);
        try {
            poolHard = new Tasklet(() -> poolReceive(poolChannel), Registry.of(pool.threads().get(1))).setup();
        } finally {
            Stackless.enableSoftSwitch(old);
        }
        awaitBalance(-2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (BlockingPool.ACTIVE.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1); // the blocking call reaches its worker
        }
    }

    private void awaitBalance(int b) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (poolChannel.balance() != b) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pool tasklets did not block: balance " + poolChannel.balance());
            }
            Thread.sleep(1);
        }
    }

    /** Ends the blocking call and the pool; the remaining tasklets are dropped with the scheduler. */
    public void stop() {
        release.countDown();
        pool.close();
    }

    /** Child JVM: sets up the scenario, prints {@code READY} and the tasklet ids, then waits for stdin to close. */
    public static void main(String[] args) throws Exception {
        Stackless.runAsMain(() -> {
            DumpScenario s = new DumpScenario();
            s.start();
            System.out.println("READY softReceiver=" + s.softReceiver.id + " hardSender=" + s.hardSender.id
                    + " scheduled=" + s.scheduled.id + " blocker=" + s.blocker.id + " sleeper=" + s.sleeper.id
                    + " poolSoft=" + s.poolSoft.id + " poolHard=" + s.poolHard.id + " main=" + Stackless.main().id
                    + " softReceiveLine=" + softReceiveLine + " poolReceiveLine=" + poolReceiveLine
                    + " yieldLine=" + yieldLine + " sleepLine=" + sleepLine + " blockingLine=" + blockingLine);
            System.out.flush();
            while (System.in.read() >= 0) {
                // the parent closes stdin when it is done
            }
            s.stop();
        });
    }
}
