package io.embark.embedding.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.embark.embedding.GraphFixture;
import io.embark.partitioning.ImportManifest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sample of candidates may not be larger than what it is drawn from. Five entities of type e in 2 partitions:
 * partition 0 holds ranks 0, 2, 4 (3 entities), partition 1 ranks 1, 3 (2 entities), so a hidden entity of partition 1
 * has 1 other candidate there: 1 draw per edge is the most.
 */
class CandidatesTest {

    @TempDir
    Path tmp;

    @Test
    void aSampleLargerThanTheSmallestPartitionsOtherEntitiesIsRefused() throws Exception {
        FileSystem fs = GraphFixture.localFs();
        ImportManifest manifest = GraphFixture.write(fs, new org.apache.hadoop.fs.Path(tmp.toString()), List.of("a", "b", "c", "d", "e"),
                List.of("r"), 2, Map.of("train", List.of(new int[] {0, 0, 1}, new int[] {2, 0, 3}))).manifest();
        new Candidates.Sampled(1, 0).requireDrawable(manifest);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Candidates.Sampled(2, 0).requireDrawable(manifest));
        assertEquals("eval.candidates: 2 sampled per edge, but partition 1 of entity type 'e' holds 2 entities, so a hidden entity "
                + "there has 1 others to draw from (expected at most 1, or eval.candidates = all to rank against all 5 entities of the type)", e.getMessage());
    }
}
