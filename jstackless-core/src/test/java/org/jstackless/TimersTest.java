package org.jstackless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the timer heap cancels lazily (a server cancels a read deadline on almost every read);
 * cancelled waits never expire, the live ones expire in deadline order, and the heap is compacted.
 */
class TimersTest {

    @Test
    void cancelledWaitsNeverExpireAndTheRestKeepTheirOrder() {
        Timers q = new Timers();
        List<Wait> all = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            all.add(q.add(null, (i * 7919L) % 1_000)); // deadlines 0..999 ns from now, shuffled
        }
        for (int i = 0; i < all.size(); i++) {
            if (i % 10 != 0) {
                q.cancel(all.get(i));
                q.cancel(all.get(i)); // twice: no effect
            }
        }
        assertThat(q.isEmpty()).isFalse();
        long far = System.nanoTime() + 1_000_000_000L;
        List<Wait> expired = new ArrayList<>();
        Wait w;
        while ((w = q.nextExpired(far)) != null) {
            expired.add(w);
            q.cancel(w); // cancelling an expired wait changes nothing
        }
        assertThat(expired).hasSize(100);
        for (int i = 0; i < all.size(); i += 10) {
            assertThat(expired).contains(all.get(i));
        }
        for (int i = 1; i < expired.size(); i++) {
            assertThat(expired.get(i).deadline - expired.get(i - 1).deadline).isGreaterThanOrEqualTo(0);
        }
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.nanosToNext()).isEqualTo(-1);
    }
}
