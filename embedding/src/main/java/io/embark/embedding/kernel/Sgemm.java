package io.embark.embedding.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A preallocated off-heap float matrix buffer (an ND4J array, so it lives where ND4J's allocator and memory limits
 * put it) seen two ways: as a {@link FloatBuffer} for bulk copies from Java and as a pointer for OpenBLAS's
 * {@code cblas_sgemm}, which multiplies row-major matrices of any shape that fits, so one buffer serves every chunk
 * size without views or allocation.
 */
final class Sgemm {

    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static volatile boolean initialized;

    private final INDArray array;
    final FloatBuffer buffer;
    final FloatPointer pointer;
    /**
     * The same memory again, twice, for products on parts of buffers ({@link #multiplyAt}): JavaCPP passes a pointer's
     * address plus its position, so each operand gets a view positioned for the call; two views let both operands be
     * parts of one buffer.
     */
    private final FloatPointer first;
    private final FloatPointer second;

    Sgemm(long floats) {
        init();
        array = Nd4j.createUninitializedDetached(DataType.FLOAT, Math.max(1, floats));
        buffer = array.data().asNioFloat();
        pointer = new FloatPointer(buffer);
        first = new FloatPointer(buffer);
        second = new FloatPointer(buffer);
    }

    /**
     * One BLAS thread per call: the trainer's parallelism is its HOGWILD threads. Also loads the other float-buffer
     * classes the JVM has: while the off-heap buffers' class is the only one loaded, the JIT compiles the step's bulk
     * copies assuming no other exists, and throws that code away (to recompile it) when the first checkpoint's
     * {@code asFloatBuffer} view loads one, in the middle of training.
     */
    private static synchronized void init() {
        if (!initialized) {
            ByteBuffer.allocate(Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            ByteBuffer.allocate(Float.BYTES).order(ByteOrder.BIG_ENDIAN).asFloatBuffer();
            FloatBuffer.allocate(1);
            OpenBlasCoreType.checkEnvironment();
            Nd4j.factory().blas().setMaxThreads(1);
            initialized = true;
        }
    }

    /** {@code c = op(a) * op(b)} with op(a) m x k, op(b) k x n, c m x n, all row-major with natural leading dimensions. */
    static void multiply(Sgemm a, boolean transA, Sgemm b, boolean transB, Sgemm c, int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        openblas.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                1f, a.pointer, lda, b.pointer, ldb, 0f, c.pointer, n);
    }

    /**
     * {@code c = op(a) * op(b)} on parts of the buffers: op(a) is m x k starting {@code aOff} floats into {@code a} with
     * leading dimension {@code lda} (row-major, as stored, before op), op(b) k x n at {@code bOff} with {@code ldb},
     * c m x n at {@code cOff} with leading dimension n. a and b may be one buffer; c is another.
     */
    static void multiplyAt(Sgemm a, long aOff, int lda, boolean transA, Sgemm b, long bOff, int ldb, boolean transB,
                           Sgemm c, long cOff, int m, int n, int k) {
        if (m == 0 || n == 0 || k == 0) {
            return;
        }
        if (c == a || c == b) {
            throw new IllegalArgumentException("the product's buffer must not be an operand's");
        }
        FloatPointer pa = a.first.position(aOff);
        FloatPointer pb = b.second.position(bOff);
        FloatPointer pc = c.first.position(cOff);
        openblas.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                1f, pa, lda, pb, ldb, 0f, pc, n);
    }

    void put(float[] src, int len) {
        buffer.put(0, src, 0, len);
    }

    void get(float[] dst, int len) {
        buffer.get(0, dst, 0, len);
    }

    void close() {
        array.close();
    }
}
