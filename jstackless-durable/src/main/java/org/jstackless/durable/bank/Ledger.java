package org.jstackless.durable.bank;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jstackless.Suspendable;
import org.jstackless.durable.Durable;
import org.jstackless.durable.DurableChannel;

/**
 * The bank's durable tasklets: one per account (holds its balance and the transfer ids it applied),
 * one per transfer (debit the source, and if that succeeded credit the target), and an auditor
 * that waits for every transfer, then asks every account for its books and checks them. All their
 * state is in their frames; all their messages go over durable channels.
 */
public final class Ledger {
    /** Every account's opening balance. */
    public static final int INITIAL = 1_000;

    private Ledger() {
    }

    /** Take {@code amount} for transfer {@code transfer}; the answer goes to channel {@code reply-<transfer>}. */
    public record Debit(int transfer, int amount) {
    }

    /** Add {@code amount} for transfer {@code transfer}. */
    public record Credit(int transfer, int amount) {
    }

    /** Send your books to channel {@code audit} and close. */
    public record Audit() {
    }

    /** An account's books. */
    public record Books(String account, int balance, ArrayList<Integer> debits, ArrayList<Integer> credits) {
    }

    /** The classes a bank checkpoint may hold. */
    public static Class<?>[] classes() {
        return new Class<?>[] {Ledger.class, Debit.class, Credit.class, Audit.class, Books.class};
    }

    static String account(int i) {
        return "account-" + i;
    }

    /** An account: applies debits (if covered) and credits until audited. */
    public static Books account(String name) throws Suspendable {
        DurableChannel<Object> in = Durable.channel(name);
        int balance = INITIAL;
        ArrayList<Integer> debits = new ArrayList<>();
        ArrayList<Integer> credits = new ArrayList<>();
        while (true) {
            Object m = in.receive();
            if (m instanceof Debit d) {
                boolean ok = balance >= d.amount();
                if (ok) {
                    balance -= d.amount();
                    debits.add(d.transfer());
                }
                Durable.<Boolean>channel("reply-" + d.transfer()).send(ok);
            } else if (m instanceof Credit c) {
                balance += c.amount();
                credits.add(c.transfer());
            } else {
                Books b = new Books(name, balance, debits, credits);
                Durable.<Books>channel("audit").send(b);
                return b;
            }
        }
    }

    /** Transfer {@code k}: {@code amount} from account {@code from} to account {@code to}, if covered. */
    public static String transfer(int k, int from, int to, int amount) throws Suspendable {
        Durable.channel(account(from)).send(new Debit(k, amount));
        boolean ok = Durable.<Boolean>channel("reply-" + k).receive();
        if (ok) {
            Durable.channel(account(to)).send(new Credit(k, amount));
        }
        Durable.<Integer>channel("auditor").send(ok ? k : -k - 1);
        return ok ? "committed" : "declined";
    }

    /** Waits for every transfer, audits every account; returns the bank's closing line. */
    public static String auditor(int accounts, int transfers) throws Suspendable {
        ArrayList<Integer> committed = new ArrayList<>();
        for (int i = 0; i < transfers; i++) {
            int r = Durable.<Integer>channel("auditor").receive();
            if (r >= 0) {
                committed.add(r);
            }
        }
        long total = 0;
        HashMap<Integer, Integer> debited = new HashMap<>();
        HashMap<Integer, Integer> credited = new HashMap<>();
        for (int a = 0; a < accounts; a++) {
            Durable.channel(account(a)).send(new Audit());
            Books b = Durable.<Books>channel("audit").receive();
            total += b.balance();
            count(debited, b.debits());
            count(credited, b.credits());
        }
        int duplicated = 0;
        int lost = 0;
        for (int k : committed) {
            int d = debited.getOrDefault(k, 0);
            int c = credited.getOrDefault(k, 0);
            duplicated += Math.max(0, d - 1) + Math.max(0, c - 1);
            lost += (d == 0 ? 1 : 0) + (c == 0 ? 1 : 0);
        }
        for (Map<Integer, Integer> m : List.of(debited, credited)) {
            for (int k : m.keySet()) {
                if (!committed.contains(k)) {
                    duplicated += m.get(k); // applied, but the transfer says it was not committed
                }
            }
        }
        return "bank: " + committed.size() + " transfers committed, total before " + (long) accounts * INITIAL
                + ", total after " + total + ", lost " + lost + ", duplicated " + duplicated;
    }

    private static void count(HashMap<Integer, Integer> m, List<Integer> ids) {
        for (int k : ids) {
            m.merge(k, 1, Integer::sum);
        }
    }
}
