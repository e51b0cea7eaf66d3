package io.embark.partitioning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * How W workers share one epoch's buckets without a lock server: a deterministic list of rounds; in each round every
 * worker trains at most one bucket, and no two buckets of a round touch the same table (PyTorch-BigGraph's rule: a
 * partition is held by one worker at a time). Rounds are separated by a barrier, so a table saved by its holder at
 * the end of round k is what the next holder loads in round k + 1.
 *
 * <p>Built greedily from a bucket order: each round takes, in order, the buckets whose tables are disjoint from those
 * already taken, up to W. A bucket goes to the worker that held one of its tables in the previous round when it can
 * (fewer tables move through storage), otherwise to the lowest free worker.
 *
 * <p>Example, 4 partitions of one entity type, W = 2, order (0,0) (0,1) (1,0) (1,1) (0,2) (2,2) ...: round 1 takes
 * (0,0) (table 0), skips (0,1) and (1,0) (they need table 0) and takes (1,1): {(0,0), (1,1)}; round 2 takes (0,1)
 * (tables 0 and 1), skips (1,0) and (0,2), takes (2,2): {(0,1), (2,2)}; and so on until every bucket is placed. With
 * P < 2W some workers idle in most rounds: P >= 2W keeps all of them busy.
 */
public final class RoundSchedule {

    private final int workers;
    private final List<Bucket[]> rounds;

    private RoundSchedule(int workers, List<Bucket[]> rounds) {
        this.workers = workers;
        this.rounds = rounds;
    }

    /**
     * Schedules {@code order} (each bucket once) over {@code workers} workers; {@code tablesOf} names the tables a
     * bucket touches (for one entity type: its lhs and rhs partitions).
     */
    public static <K> RoundSchedule build(List<Bucket> order, int workers, Function<Bucket, Set<K>> tablesOf) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers: " + workers + " (expected >= 1)");
        }
        LinkedList<Bucket> remaining = new LinkedList<>(order);
        List<Bucket[]> rounds = new ArrayList<>();
        Bucket[] previous = new Bucket[workers];
        while (!remaining.isEmpty()) {
            List<Bucket> taken = new ArrayList<>();
            Set<K> busy = new HashSet<>();
            for (Iterator<Bucket> it = remaining.iterator(); it.hasNext() && taken.size() < workers; ) {
                Bucket b = it.next();
                Set<K> tables = tablesOf.apply(b);
                if (disjoint(tables, busy)) {
                    taken.add(b);
                    busy.addAll(tables);
                    it.remove();
                }
            }
            Bucket[] round = new Bucket[workers];
            List<Bucket> unplaced = new ArrayList<>();
            for (Bucket b : taken) {
                int w = affine(b, previous, round, tablesOf);
                if (w >= 0) {
                    round[w] = b;
                } else {
                    unplaced.add(b);
                }
            }
            for (Bucket b : unplaced) {
                for (int w = 0; w < workers; w++) {
                    if (round[w] == null) {
                        round[w] = b;
                        break;
                    }
                }
            }
            rounds.add(round);
            previous = round;
        }
        return new RoundSchedule(workers, rounds);
    }

    private static <K> int affine(Bucket b, Bucket[] previous, Bucket[] round, Function<Bucket, Set<K>> tablesOf) {
        Set<K> tables = tablesOf.apply(b);
        for (int w = 0; w < previous.length; w++) {
            if (round[w] == null && previous[w] != null && !disjoint(tables, tablesOf.apply(previous[w]))) {
                return w;
            }
        }
        return -1;
    }

    private static <K> boolean disjoint(Set<K> a, Set<K> b) {
        for (K s : a) {
            if (b.contains(s)) {
                return false;
            }
        }
        return true;
    }

    public int workers() {
        return workers;
    }

    public int rounds() {
        return rounds.size();
    }

    /** The bucket {@code worker} trains in {@code round}, or null when it idles that round. */
    public Bucket bucket(int round, int worker) {
        return rounds.get(round)[worker];
    }

    /** The buckets of one round, indexed by worker (null = idle). */
    public List<Bucket> round(int round) {
        return Arrays.asList(rounds.get(round).clone());
    }

    /** Fraction of (round, worker) slots that train a bucket: 1.0 when no worker ever idles. */
    public double utilization() {
        long busy = rounds.stream().flatMap(Arrays::stream).filter(b -> b != null).count();
        return rounds.isEmpty() ? 1.0 : busy / (double) (rounds.size() * workers);
    }
}
