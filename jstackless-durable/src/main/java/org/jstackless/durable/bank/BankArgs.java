package org.jstackless.durable.bank;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line of the bank examples ({@link Bank} on one node, the cluster module's
 * {@code ClusterBank} on several): {@code --name value} pairs over defaults. An unknown or
 * incomplete option, or a number that is not one, is an {@link IllegalArgumentException} that
 * names it and gives the usage line.
 */
public final class BankArgs {
    private final Map<String, String> values;
    private final String usage;

    private BankArgs(Map<String, String> values, String usage) {
        this.values = values;
        this.usage = usage;
    }

    /** Reads {@code args} over {@code defaults}, whose keys are the only options known. */
    public static BankArgs parse(String[] args, Map<String, String> defaults, String usage) {
        Map<String, String> m = new LinkedHashMap<>(defaults);
        for (int i = 0; i < args.length; i += 2) {
            if (!m.containsKey(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown or incomplete option " + args[i] + "; " + usage);
            }
            m.put(args[i], args[i + 1]);
        }
        return new BankArgs(m, usage);
    }

    /** The value of option {@code name}. */
    public String string(String name) {
        return values.get(name);
    }

    /** The value of option {@code name} as an int. */
    public int integer(String name) {
        try {
            return Integer.parseInt(values.get(name));
        } catch (NumberFormatException e) {
            throw notANumber(name);
        }
    }

    /** The value of option {@code name} as a long. */
    public long longInteger(String name) {
        try {
            return Long.parseLong(values.get(name));
        } catch (NumberFormatException e) {
            throw notANumber(name);
        }
    }

    /** The value of option {@code name} as a double. */
    public double decimal(String name) {
        try {
            return Double.parseDouble(values.get(name));
        } catch (NumberFormatException e) {
            throw notANumber(name);
        }
    }

    private IllegalArgumentException notANumber(String name) {
        return new IllegalArgumentException("not a number: " + name + " " + values.get(name) + "; " + usage);
    }
}
