package io.embark.jobs.train;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embark.allreduce.CollectiveCancelledException;
import io.embark.allreduce.Communicator;
import io.embark.allreduce.transport.TcpTransportConfig;
import io.embark.jobs.config.DistributedConfig;
import io.embark.jobs.imports.ImportJobTestAccess;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A worker of a barrier stage stops connecting as soon as Spark kills it. Spark local mode, two barrier tasks: task 1
 * announces an address and fails right after the announcement, while task 0 waits for task 1 to connect to it, with
 * {@code distributed.timeoutSeconds = 300}. Spark then kills task 0 by marking it (it does not interrupt the thread),
 * and task 0 must notice within seconds: it reports here how it ended (one JVM, so a static queue carries it).
 */
@Timeout(120)
class BarrierRendezvousTest {

    /** How task 0 ended and after how many seconds in its connect. */
    private record Ending(Throwable error, double seconds) {
    }

    private static final LinkedBlockingQueue<Ending> ENDINGS = new LinkedBlockingQueue<>();

    @Test
    void aTaskConnectingWhenItsPeerFailsStopsWhenSparkKillsIt() throws Exception {
        SparkSession spark = ImportJobTestAccess.spark();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        DistributedConfig config = new DistributedConfig(2, 1, false, 1, 300, Optional.of("127.0.0.1"), Optional.empty(), 0);
        byte[] secret = TcpTransportConfig.randomSecret();
        ENDINGS.clear();
        long t0 = System.nanoTime();
        Exception failed = assertThrows(Exception.class, () -> jsc.parallelize(List.of(0, 1), 2).rdd().barrier()
                .mapPartitions(new ScalaFunction(config, secret), false, scala.reflect.ClassTag$.MODULE$.apply(Integer.class))
                .count());
        assertTrue(String.valueOf(failed.getMessage()).contains("task 1 gives up"), String.valueOf(failed.getMessage()));
        Ending task0 = ENDINGS.poll(30, TimeUnit.SECONDS);
        assertNotNull(task0, "task 0 was still connecting 30 s after the stage failed (distributed.timeoutSeconds is 300)");
        assertTrue(task0.error() instanceof CollectiveCancelledException, "task 0 ended with " + task0.error());
        assertTrue(task0.seconds() < 30, "task 0 stopped after " + task0.seconds() + " s");
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "the attempt took " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    /** Task 0 connects as a worker does; task 1 announces itself and fails. */
    private static final class ScalaFunction
            extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<Integer>>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final DistributedConfig config;
        private final byte[] secret;

        ScalaFunction(DistributedConfig config, byte[] secret) {
            this.config = config;
            this.secret = secret;
        }

        @Override
        public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Integer> in) {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            if (ctx.partitionId() == 1) {
                // the announcement task 0 waits for: an address where nobody will connect from
                ctx.allGather("127.0.0.1 1 driver");
                throw new IllegalStateException("task 1 gives up");
            }
            long t0 = System.nanoTime();
            Throwable error = null;
            try (Communicator c = BarrierRendezvous.connect(ctx, config, secret)) {
                error = new AssertionError("connected to a peer that failed");
            } catch (Throwable e) {
                error = e;
            }
            ENDINGS.add(new Ending(error, (System.nanoTime() - t0) / 1e9));
            throw new IllegalStateException("task 0 ended: " + error, error);
        }
    }
}
