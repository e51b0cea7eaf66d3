package io.embark.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class HdfsCloseRetryTest {

    @Test
    void unsetKeysGetTheQuickRetriesWithAsMuchWaitingInAll() {
        Configuration conf = new Configuration(false);
        assertTrue(HdfsCloseRetry.applyDefaults(conf));
        long delay = conf.getLong(HdfsCloseRetry.INITIAL_DELAY, -1);
        int retries = conf.getInt(HdfsCloseRetry.RETRIES, -1);
        assertEquals(25, delay);
        assertEquals(9, retries);
        // the doubling back-off waits delay * (2^retries - 1) in all before a close fails: no less than Hadoop's
        // 400 ms * (2^5 - 1) = 12.4 s
        assertTrue(delay * ((1L << retries) - 1) >= 400 * 31, "total wait " + delay * ((1L << retries) - 1) + " ms");
    }

    @Test
    void hadoopsOwnDefaultsDoNotCountAsSetByTheUser() {
        Configuration conf = new Configuration(false);
        conf.addResource("hdfs-default.xml");
        assertEquals("400", conf.get(HdfsCloseRetry.INITIAL_DELAY), "hdfs-default.xml is on the test classpath");
        assertTrue(HdfsCloseRetry.applyDefaults(conf));
        assertEquals("25", conf.get(HdfsCloseRetry.INITIAL_DELAY));
    }

    @Test
    void aValueTheUserSetIsKeptAndTheOtherKeyLeftAlone() {
        Configuration delaySet = new Configuration(false);
        delaySet.set(HdfsCloseRetry.INITIAL_DELAY, "1000");
        assertFalse(HdfsCloseRetry.applyDefaults(delaySet));
        assertEquals("1000", delaySet.get(HdfsCloseRetry.INITIAL_DELAY));
        assertNull(delaySet.get(HdfsCloseRetry.RETRIES), "retries not set beside the user's own delay");

        Configuration retriesSet = new Configuration(false);
        retriesSet.set(HdfsCloseRetry.RETRIES, "3");
        assertFalse(HdfsCloseRetry.applyDefaults(retriesSet));
        assertEquals("3", retriesSet.get(HdfsCloseRetry.RETRIES));
        assertNull(retriesSet.get(HdfsCloseRetry.INITIAL_DELAY));
    }
}
