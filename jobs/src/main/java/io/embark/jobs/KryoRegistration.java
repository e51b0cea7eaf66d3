package io.embark.jobs;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.embark.embedding.train.WorkerResult;
import io.embark.jobs.export.ExportJob;
import io.embark.jobs.imports.TaskReport;
import io.embark.jobs.tune.TuneJob;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers the classes Embark's Spark stages move between JVMs, so Spark runs with
 * {@code spark.kryo.registrationRequired=true}: an unregistered class fails loudly instead of silently shipping its
 * full class name with every record.
 */
public final class KryoRegistration implements KryoRegistrator {

    @Override
    public void registerClasses(Kryo kryo) {
        for (Class<?> c : TaskReport.kryoClasses()) {
            kryo.register(c);
        }
        for (Class<?> c : ExportJob.kryoClasses()) {
            kryo.register(c);
        }
        // a record: Java serialization reads it back through its canonical constructor, which Kryo's field
        // serializer cannot (a record's final fields refuse reflective writes)
        kryo.register(WorkerResult.class, new JavaSerializer());
        kryo.register(WorkerResult[].class);
        for (Class<?> c : TuneJob.kryoRecords()) {
            kryo.register(c, new JavaSerializer());
        }
        for (Class<?> c : TuneJob.kryoArrays()) {
            kryo.register(c);
        }
        kryo.register(java.util.ArrayList.class);
        kryo.register(long[].class);
        kryo.register(double[].class);
        kryo.register(double[][].class);
        kryo.register(long[][].class);
        kryo.register(int[].class);
        kryo.register(String[].class);
        kryo.register(Object[].class);
    }
}
