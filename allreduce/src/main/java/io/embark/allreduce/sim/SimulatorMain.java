package io.embark.allreduce.sim;

import io.embark.allreduce.cost.LinkCost;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the simulator's predictions as a Markdown table for the clusters in {@code docs/collectives.md}.
 * <pre>
 *   java -cp allreduce/target/classes io.embark.allreduce.sim.SimulatorMain
 * </pre>
 */
public final class SimulatorMain {
    private SimulatorMain() {
    }

    /**
     * No arguments: the tables. {@code predict LEVELS BYTES}, with LEVELS like
     * {@code 4:60:1.0:1,2:1000:0.125:1} (fan-out : alpha us : GB/s : links per group, innermost first):
     * one line with each schedule's predicted time and the ring / hierarchical factor.
     */
    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("predict")) {
            List<LevelSpec> levels = java.util.Arrays.stream(args[1].split(",")).map(l -> {
                String[] f = l.split(":");
                return new LevelSpec(Integer.parseInt(f[0]), LinkCost.of(Double.parseDouble(f[1]), Double.parseDouble(f[2])),
                        Integer.parseInt(f[3]));
            }).toList();
            Simulator s = new Simulator(levels);
            double bytes = Double.parseDouble(args[2]);
            Map<String, Double> m = s.predict(bytes);
            System.out.println(String.format(Locale.ROOT,
                    "PREDICTED flat_ring_ms=%.1f flat_hd_ms=%.1f hierarchical_ms=%.1f factor=%.2f",
                    m.get("flat ring") * 1e3, m.get("flat halving-doubling") * 1e3, m.get("hierarchical") * 1e3,
                    m.get("flat ring") / m.get("hierarchical")));
            return;
        }
        // inside a host: shared memory/NVLink-class, 5 us, 20 GB/s per rank pair; between hosts: 25 Gbit/s
        // (3.125 GB/s), 10 us, one NIC per host
        LinkCost intra = LinkCost.of(5, 20);
        LinkCost inter = LinkCost.of(10, 3.125);
        table("8 hosts x 8 ranks, one NIC per host", List.of(new LevelSpec(8, intra, 1), new LevelSpec(8, inter, 1)));
        table("64 hosts x 8 ranks, one NIC per host", List.of(new LevelSpec(8, intra, 1), new LevelSpec(64, inter, 1)));
        table("64 hosts x 8 ranks, one NIC per rank (BlueConnect's setting)",
                List.of(new LevelSpec(8, intra, 1), new LevelSpec(64, inter, 8)));
        table("emulated: 2 hosts x 4 ranks, loopback inside, 1 Gbit/s + 1 ms between",
                List.of(new LevelSpec(4, LinkCost.of(60, 1.0), 1), new LevelSpec(2, LinkCost.of(1000, 0.125), 1)));
    }

    static void table(String title, List<LevelSpec> levels) {
        Simulator s = new Simulator(levels);
        System.out.println("### " + title + " (" + s.worldSize() + " ranks)");
        System.out.println();
        System.out.println("| bytes | flat ring | flat halving-doubling | hierarchical | ring / hierarchical |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (double bytes : new double[] {1024, 1 << 20, 100e6}) {
            Map<String, Double> m = s.predict(bytes);
            System.out.println(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2fx |", human(bytes),
                    ms(m.get("flat ring")), ms(m.get("flat halving-doubling")), ms(m.get("hierarchical")),
                    m.get("flat ring") / m.get("hierarchical")));
        }
        System.out.println();
    }

    static String human(double b) {
        return b >= 1e8 ? "100 MB" : b >= 1 << 20 ? "1 MiB" : "1 KiB";
    }

    static String ms(double s) {
        return Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.3f ms", s * 1e3);
    }
}
