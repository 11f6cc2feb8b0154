package org.jstackless.pickle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.jstackless.pickle.PickleTestSupport.KEY;

import java.util.HashMap;
import java.util.Map;
import org.jstackless.NotPicklableException;
import org.jstackless.Pickler;
import org.jstackless.ReplayedPickleException;
import org.jstackless.SequenceRecord;
import org.jstackless.Stackless;
import org.jstackless.Suspendable;
import org.jstackless.Tasklet;
import org.jstackless.internal.pickle.Envelope;
import org.junit.jupiter.api.Test;

/**
 * Replay and rollback: every pickle carries its tasklet's stable identity and a sequence number
 * per tasklet; a Pickler refuses a pickle not newer than one it loaded of the same tasklet,
 * through a pluggable {@link SequenceRecord}.
 */
class PickleReplayTest {
    static void loop() throws Suspendable {
        for (int i = 0; i < 100; i++) {
            Stackless.schedule();
        }
    }

    /** A durable record stand-in: survives the Picklers (the "restarts") that share it. */
    static final class MapRecord implements SequenceRecord {
        final Map<String, Long> last = new HashMap<>();

        @Override
        public synchronized long lastSeen(String tasklet) {
            return last.getOrDefault(tasklet, 0L);
        }

        @Override
        public synchronized boolean advance(String tasklet, long sequence) {
            if (sequence <= lastSeen(tasklet)) {
                return false;
            }
            last.put(tasklet, sequence);
            return true;
        }
    }

    static Envelope header(byte[] b) {
        return Envelope.header(b);
    }

    @Test
    void sequenceNumbersArePerTaskletAndTheIdentityIsStable() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        Stackless.runAsMain(() -> {
            Tasklet a = Tasklet.spawn(PickleReplayTest::loop);
            Tasklet b = Tasklet.spawn(PickleReplayTest::loop);
            Stackless.schedule();
            byte[] a1 = p.dumps(a);
            byte[] a2 = p.dumps(a);
            byte[] b1 = p.dumps(b);
            assertThat(header(a1).sequence).isEqualTo(1);
            assertThat(header(a2).sequence).isEqualTo(2);
            assertThat(header(b1).sequence).as("per tasklet, not per JVM").isEqualTo(1);
            assertThat(header(a1).identity()).isEqualTo(header(a2).identity()).isNotEqualTo(header(b1).identity())
                    .hasSize(32);
            assertThat(Pickler.describe(a2, null)).contains("tasklet         " + header(a1).identity(),
                    "sequence        2");
            assertThat(Pickler.stamp(a2)).isEqualTo(new Pickler.Stamp(header(a1).identity(), 2));
            // A loaded tasklet keeps the identity and continues the sequence from its pickle.
            Tasklet c = p.loads(a2);
            byte[] c3 = p.dumps(c);
            assertThat(header(c3).identity()).isEqualTo(header(a1).identity());
            assertThat(header(c3).sequence).isEqualTo(3);
            a.kill();
            b.kill();
            c.kill();
        });
    }

    @Test
    void theSameBytesTwiceAndAnOlderPickleAfterANewerOneAreRefused() throws Exception {
        Pickler p = PickleTestSupport.builder().build();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(PickleReplayTest::loop);
            Stackless.schedule();
            byte[] s1 = p.dumps(t);
            byte[] s2 = p.dumps(t);
            byte[] s3 = p.dumps(t);
            p.loads(s1).kill(); // in order: fine
            p.loads(s2).kill();
            assertThatThrownBy(() -> p.loads(s2)).isInstanceOf(ReplayedPickleException.class)
                    .hasMessageContaining("replayed or older pickle of tasklet " + header(s2).identity())
                    .hasMessageContaining("its sequence number is 2, but sequence 2");
            assertThatThrownBy(() -> p.loads(s1)).isInstanceOfSatisfying(ReplayedPickleException.class, e -> {
                assertThat(e.sequence()).isEqualTo(1);
                assertThat(e.lastSeen()).isEqualTo(2);
                assertThat(e.tasklet()).isEqualTo(header(s1).identity());
            });
            p.loads(s3).kill(); // newer: fine
            // Another Pickler has its own in-memory record; one that accepts replays loads anything.
            PickleTestSupport.builder().build().loads(s1).kill();
            Pickler replays = PickleTestSupport.builder().acceptReplays().build();
            replays.loads(s3).kill();
            replays.loads(s3).kill();
            t.kill();
        });
    }

    @Test
    void aDurableRecordRefusesReplaysAcrossPicklersAndIsNotAdvancedByAFailedLoad() throws Exception {
        MapRecord record = new MapRecord();
        Stackless.runAsMain(() -> {
            Tasklet t = Tasklet.spawn(() -> PickleUserCodeTest.holds(new PickleUserCodeTest.Savings("x", 1, 1)));
            t.run();
            byte[] b = PickleTestSupport.builder(PickleUserCodeTest.Savings.class).build().dumps(t);
            String id = header(b).identity();
            // Loading fails (the class is not allowed here): the record must not move.
            Pickler narrow = Pickler.builder().signingKey(KEY).sequenceRecord(record).build();
            assertThatThrownBy(() -> narrow.loads(b)).isInstanceOf(NotPicklableException.class)
                    .isNotInstanceOf(ReplayedPickleException.class).hasMessageContaining("not allowed");
            assertThat(record.lastSeen(id)).isZero();
            Pickler first = PickleTestSupport.builder(PickleUserCodeTest.Savings.class).sequenceRecord(record).build();
            first.loads(b).kill();
            assertThat(record.lastSeen(id)).isEqualTo(1);
            // "After a restart": a new Pickler with the same (durable) record.
            Pickler restarted = PickleTestSupport.builder(PickleUserCodeTest.Savings.class).sequenceRecord(record).build();
            assertThatThrownBy(() -> restarted.loads(b)).isInstanceOf(ReplayedPickleException.class);
            t.kill();
        });
    }
}
