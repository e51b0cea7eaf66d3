package io.embark.embedding;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A graph with planted structure: {@code entities} entities in {@code clusters} equal clusters (entity i is in
 * cluster {@code i mod clusters}); relation r links each entity of cluster c to {@code perEntity} random entities of
 * cluster {@code (c + r + 1) mod clusters}. The tail of a held-out edge is therefore predictable up to its cluster:
 * a model that learned the structure ranks it among the ~entities/clusters members of the right cluster, while
 * chance ranks it among all entities (Hits@10 = 10 / entities).
 */
public final class PlantedGraph {

    public final List<String> entityNames = new ArrayList<>();
    public final List<String> relationNames = new ArrayList<>();
    public final Map<String, List<int[]>> splits = new LinkedHashMap<>();

    public PlantedGraph(int entities, int clusters, int relations, int perEntity, double testFraction, long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < entities; i++) {
            entityNames.add("n" + i);
        }
        for (int r = 0; r < relations; r++) {
            relationNames.add("r" + r);
        }
        List<int[]> all = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int perCluster = entities / clusters;
        for (int h = 0; h < entities; h++) {
            for (int r = 0; r < relations; r++) {
                int target = (h % clusters + r + 1) % clusters;
                for (int k = 0; k < perEntity; k++) {
                    int t = target + clusters * random.nextInt(perCluster);
                    if (seen.add(((long) h * relations + r) * entities + t)) {
                        all.add(new int[] {h, r, t});
                    }
                }
            }
        }
        Collections.shuffle(all, random);
        int test = (int) (all.size() * testFraction);
        splits.put("test", new ArrayList<>(all.subList(0, test)));
        splits.put("train", new ArrayList<>(all.subList(test, all.size())));
    }
}
